"""The client side of the JSON-RPC protocol: exit codes, arguments, requests and replies."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
import httpx

PROG_NAME = "vcshub-api"
API_PATH = "/_admin/api"
ENV_HOST = "VCSHUB_API_HOST"
ENV_KEY = "VCSHUB_API_KEY"
DEFAULT_TIMEOUT = 120.0

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_CONNECTION = 3
EXIT_INTERRUPTED = 130


class UsageProblem(click.ClickException):
    """The command line or the configuration does not allow a call (exit status 2)."""

    exit_code = EXIT_USAGE


class ConnectionProblem(click.ClickException):
    """No usable JSON-RPC answer came back from the server (exit status 3)."""

    exit_code = EXIT_CONNECTION


class IntrospectionProblem(click.ClickException):
    """The server answered, but cannot or will not describe the method asked for (exit status 1)."""

    exit_code = EXIT_API_ERROR


@dataclass(frozen=True)
class Endpoint:
    """Where to send calls: the server's base URL (for messages) and its API URL."""

    base_url: str
    api_url: str


@dataclass(frozen=True)
class Reply:
    """A JSON-RPC answer: the decoded envelope and the body exactly as received."""

    envelope: dict[str, Any]
    raw: str

    @property
    def error(self) -> Any:
        return self.envelope.get("error")

    @property
    def failed(self) -> bool:
        return self.error is not None


# --------------------------------------------------------------------------- arguments


def parse_value(text: str) -> Any:
    """A JSON value when ``text`` is one (true, 10, null, [..], {..}, "quoted"), else ``text``.

    NaN, Infinity and numbers too large for a float stay strings: they are not valid JSON
    on the wire.
    """
    try:
        return json.loads(text, parse_constant=_reject, parse_float=_finite_float)
    except ValueError:
        return text


def _reject(name: str) -> Any:
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_argument(item: str) -> tuple[str, Any]:
    """Split ``key:value`` at the first colon, so values may contain colons (URLs)."""
    key, colon, value = item.partition(":")
    if not colon:
        raise UsageProblem(f"argument `{item}` is not in key:value form")
    if not key:
        raise UsageProblem(f"argument `{item}` has no name before the colon")
    return key, parse_value(value)


def parse_arguments(items: Sequence[str]) -> dict[str, Any]:
    """The ``args`` object of the request; a key given twice keeps its last value."""
    return dict(parse_argument(item) for item in items)


def build_request(method: str, args: dict[str, Any], api_key: str) -> dict[str, Any]:
    """The request envelope.

    The token is sent under both names: RhodeCode 4+ reads ``auth_token``, Kallithea and older
    RhodeCode read ``api_key``, and servers that know both take either.
    """
    return {
        "id": random.randint(1, 99999),
        "auth_token": api_key,
        "api_key": api_key,
        "method": method,
        "args": args,
    }


# --------------------------------------------------------------------------- connection


def endpoint_for(host: str) -> Endpoint:
    """Accept the server's base URL (``http://host:5000``) or the API URL itself.

    A missing scheme means http. A path prefix (server mounted under ``/code``) is kept.
    """
    text = host.strip()
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise UsageProblem(f"invalid API host `{host}`: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageProblem(f"invalid API host `{host}`: expected a URL like http://host:5000")
    path = _strip_suffix(parts.path.rstrip("/"), API_PATH)
    # RhodeCode's documentation gives the API address as `<server>/_admin`; accept that too.
    path = _strip_suffix(path, "/_admin")
    base_url = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return Endpoint(base_url=base_url, api_url=base_url + API_PATH)


def _strip_suffix(path: str, suffix: str) -> str:
    return path[: -len(suffix)] if path.endswith(suffix) else path


def encode_request(request: dict[str, Any]) -> bytes:
    """The request body; refuses values JSON cannot carry instead of sending invalid JSON."""
    try:
        return json.dumps(request, allow_nan=False).encode("utf-8")
    except ValueError as exc:
        raise UsageProblem(f"cannot encode the arguments as JSON: {exc}") from exc


def post_request(endpoint: Endpoint, body: bytes, timeout: float | None) -> Reply:
    """POST one request and return the JSON-RPC reply; anything else is a ConnectionProblem."""
    url = endpoint.api_url
    try:
        with httpx.Client(timeout=timeout) as client:
            response = client.post(url, content=body, headers={"Content-Type": "application/json"})
    except httpx.TransportError as exc:
        raise ConnectionProblem(f"cannot reach {url}: {describe_exception(exc)}") from exc
    except httpx.InvalidURL as exc:
        raise UsageProblem(f"invalid API URL {url}: {describe_exception(exc)}") from exc
    return read_reply(url, response)


def read_reply(url: str, response: httpx.Response) -> Reply:
    """Check that the response is an HTTP 200 JSON-RPC envelope (the API always answers 200)."""
    if response.status_code != 200:
        raise ConnectionProblem(
            f"{url} answered HTTP {_status_text(response)}, not a JSON-RPC reply"
        )
    try:
        envelope = response.json()
    except ValueError as exc:
        raise ConnectionProblem(
            f"{url} did not answer with JSON (is this the vcshub/RhodeCode API address?)"
        ) from exc
    if not isinstance(envelope, dict) or not {"result", "error"} <= envelope.keys():
        raise ConnectionProblem(f"{url} answered with JSON that is not a JSON-RPC envelope")
    return Reply(envelope=envelope, raw=response.text)


def _status_text(response: httpx.Response) -> str:
    text = f"{response.status_code} {response.reason_phrase}".strip()
    location = response.headers.get("location")
    # A redirect usually means http was used where the server wants https, or a wrong path.
    return f"{text} (redirect to {location})" if location else text


def describe_exception(exc: BaseException) -> str:
    return one_line(str(exc)) or type(exc).__name__


def one_line(text: str) -> str:
    return " ".join(text.split())


