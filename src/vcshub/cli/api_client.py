"""``vcshub-api``: call the JSON-RPC API from the command line, the way ``rhodecode-api`` does.

    vcshub-api [--instance-name=NAME] [--apikey=KEY --apihost=URL] [--format=json]
               METHOD [key:value ...]
    vcshub-api [options] --list [PATTERN]      # the server's methods, one per line
    vcshub-api [options] help METHOD           # the arguments of one method

``--list`` and ``help`` ask the server itself through RhodeCode 4.x's introspection method
``get_method`` (super-admin only), so they describe whatever that server offers; a server
without it (Kallithea, RhodeCode before 4) is reported as not supporting introspection.

Connection details come from the command line, then the ``VCSHUB_API_HOST`` /
``VCSHUB_API_KEY`` environment variables, then an instance of ``~/.rhoderc`` (see
:mod:`vcshub.cli.api_config`). Exit status: 0 success, 1 the API answered with an error,
2 usage error, 3 the server could not be reached or did not answer like a JSON-RPC API.
"""

from __future__ import annotations

import configparser
import json
import math
import os
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
import httpx

from vcshub.cli import api_config
from vcshub.cli.api_config import ConfigFileError, InstanceSettings

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
        raise ConnectionProblem(f"cannot reach {url}: {_describe(exc)}") from exc
    except httpx.InvalidURL as exc:
        raise UsageProblem(f"invalid API URL {url}: {_describe(exc)}") from exc
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


def _describe(exc: BaseException) -> str:
    return _one_line(str(exc)) or type(exc).__name__


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- configuration


def resolve_instance(
    config_path: Path,
    instance_name: str | None,
    api_host: str | None,
    api_key: str | None,
    need_file: bool,
) -> InstanceSettings:
    """Merge connection details: command line / environment first, then the config file.

    The file is only read when something is still missing (or ``need_file``), so a broken
    ``~/.rhoderc`` does not get in the way of a fully specified call.
    """
    given = InstanceSettings(name=instance_name or "", api_host=api_host, api_key=api_key)
    if given.api_host and given.api_key and not need_file:
        return given
    parser = _read_config(config_path)
    name = instance_name or api_config.default_instance_name(parser)
    stored = api_config.instance_settings(parser, name) or InstanceSettings(name=name)
    return InstanceSettings(
        name=name,
        api_host=api_host or stored.api_host,
        api_key=api_key or stored.api_key,
    )


def save_instance(config_path: Path, settings: InstanceSettings) -> Path:
    """Write ``settings`` as ``[instance:NAME]`` of the config file (mode 0600)."""
    if not (settings.api_host and settings.api_key):
        raise UsageProblem("--save-config needs both --apikey and --apihost")
    endpoint = endpoint_for(settings.api_host)
    parser = _read_config(config_path)
    # The base URL is stored whichever form was given, as RhodeCode's own files have it.
    normalized = InstanceSettings(settings.name, endpoint.base_url, settings.api_key)
    api_config.store_instance(parser, normalized)
    try:
        return api_config.write_config(parser, config_path)
    except ConfigFileError as exc:
        raise UsageProblem(str(exc)) from exc


def require_connection(settings: InstanceSettings, config_path: Path, named: bool) -> None:
    """Explain what is missing when there is no host or no key to call with."""
    if settings.api_host and settings.api_key:
        return
    if named and not api_config.instance_settings(_read_config(config_path), settings.name):
        raise UsageProblem(f"instance `{settings.name}` is not configured in {config_path}")
    missing = " and ".join(
        what
        for what, value in (("API host", settings.api_host), ("API key", settings.api_key))
        if not value
    )
    raise UsageProblem(
        f"no {missing}: pass --apihost/--apikey, set {ENV_HOST}/{ENV_KEY}, "
        f"or store them with --save-config"
    )


def _read_config(config_path: Path) -> configparser.ConfigParser:
    try:
        return api_config.read_config(config_path)
    except ConfigFileError as exc:
        raise UsageProblem(str(exc)) from exc


# --------------------------------------------------------------------------- output


def pretty(value: Any) -> str:
    """Indented JSON, as RhodeCode prints responses; non-ASCII text stays readable."""
    return json.dumps(value, indent=4, ensure_ascii=False)


def print_pretty_reply(reply: Reply) -> None:
    """The server's answer: the error when there is one, the result otherwise."""
    click.echo("Server response")
    click.echo(pretty(reply.error if reply.failed else reply.envelope.get("result")))
    report_deprecation(reply)


def report_deprecation(reply: Reply) -> None:
    """The server's DEPRECATION_WARNING, if any, as one line on stderr."""
    warning = reply.envelope.get("DEPRECATION_WARNING")
    if warning:
        click.echo(f"{PROG_NAME}: warning: {_one_line(str(warning))}", err=True)


def print_raw_reply(reply: Reply) -> None:
    """The envelope exactly as received, for ``python -m json.tool`` or jq."""
    click.echo(reply.raw.rstrip("\n"))


def write_output(printer: Callable[[Reply | None], None], reply: Reply | None) -> None:
    """Print ``reply`` with ``printer``; a reader that went away (``| head``) is not a failure.

    The exit status must still say whether the call succeeded, so a broken pipe is swallowed
    here instead of ending the program.
    """
    try:
        printer(reply)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def write_lines(lines: Sequence[str]) -> None:
    """Print ``lines`` (nothing at all for none), tolerating a reader that went away."""
    if lines:
        write_output(lambda _reply: click.echo("\n".join(lines)), None)


def report_api_error(reply: Reply, hint: str | None = None) -> None:
    """One line on stderr naming the API error (the reply itself went to stdout)."""
    text = _one_line(error_text(reply.error))
    click.echo(f"{PROG_NAME}: API error: {text}{f' ({hint})' if hint else ''}", err=True)


def error_text(error: Any) -> str:
    return error if isinstance(error, str) else json.dumps(error, ensure_ascii=False)


# --------------------------------------------------------------------------- introspection

INTROSPECTION_METHOD = "get_method"
HELP_COMMAND = "help"
REQUIRED_MARK = "<RequiredType>"
OPTIONAL_PREFIX = "<Optional:"
# RhodeCode's JSONRPCForbidden text, which vcshub answers too when a non-admin asks.
ACCESS_DENIED = "Access was denied to this resource."
# RhodeCode lists the parameters its server fills in itself; they are not for the caller.
SERVER_FILLED = frozenset({"apiuser", "request"})


@dataclass(frozen=True)
class Argument:
    """One argument of a method as ``get_method`` describes it."""

    name: str
    required: bool
    default: str | None = None  # the server's repr of the default, e.g. ``'rev:tip'``
    raw: str | None = None  # a description in neither known form, shown as given


def parse_argument_description(name: str, description: Any) -> Argument:
    """``<RequiredType>`` or ``<Optional:repr>``; anything else is kept as text."""
    if description == REQUIRED_MARK:
        return Argument(name, required=True)
    if (
        isinstance(description, str)
        and description.startswith(OPTIONAL_PREFIX)
        and description.endswith(">")
    ):
        # Split off only the outer brackets: RhodeCode has `<Optional:<OptionalAttr:apiuser>>`.
        return Argument(name, required=False, default=description[len(OPTIONAL_PREFIX) : -1])
    text = description if isinstance(description, str) else json.dumps(description)
    return Argument(name, required=False, raw=text)


def method_arguments(description: dict[str, Any]) -> list[Argument]:
    """The caller's arguments, required ones first, otherwise in the server's order."""
    arguments = [
        parse_argument_description(str(name), value)
        for name, value in description.items()
        if name not in SERVER_FILLED
    ]
    return sorted(arguments, key=lambda argument: not argument.required)


def method_names(result: list[Any]) -> list[str]:
    """The names in a ``get_method`` result (a single match also carries its arguments)."""
    return sorted(item for item in result if isinstance(item, str))


def single_method(result: list[Any]) -> tuple[str, dict[str, Any]] | None:
    """``(name, arguments)`` when the result is RhodeCode's ``[name, {arg: description}]``."""
    if len(result) == 2 and isinstance(result[0], str) and isinstance(result[1], dict):
        return result[0], result[1]
    return None


def lacks_introspection(error: Any) -> bool:
    """Whether the error says the server has no ``get_method`` at all.

    Kallithea and RhodeCode answer ``No such method: get_method`` (RhodeCode 4 adds similar
    names); a plain JSON-RPC 2.0 server answers code -32601 "Method not found".
    """
    if isinstance(error, dict):
        if error.get("code") == -32601:
            return True
        error = error.get("message")
    text = str(error or "").lower()
    return "no such method" in text or "method not found" in text


def introspect(
    endpoint: Endpoint, pattern: str, api_key: str, output_format: str,
    timeout: float,
) -> list[Any] | None:
    """Call ``get_method(pattern)``; the result list, or None after reporting an API error.

    With ``--format=json`` the envelope is printed whatever it holds, as for any call.
    """
    body = encode_request(build_request(INTROSPECTION_METHOD, {"pattern": pattern}, api_key))
    reply = post_request(endpoint, body, timeout or None)
    if output_format == "json":
        write_output(print_raw_reply, reply)
    else:
        report_deprecation(reply)
    if reply.failed:
        if lacks_introspection(reply.error):
            raise IntrospectionProblem(
                f"the server at {endpoint.base_url} does not support introspection "
                f"(it has no {INTROSPECTION_METHOD} method; --list and help need vcshub or "
                f"RhodeCode 4.x): {error_text(reply.error)}"
            )
        hint = None
        if reply.error == ACCESS_DENIED:
            hint = f"{INTROSPECTION_METHOD} needs a super-admin API key"
        report_api_error(reply, hint)
        return None
    result = reply.envelope.get("result")
    if not isinstance(result, list):
        raise IntrospectionProblem(
            f"unexpected answer to {INTROSPECTION_METHOD} from {endpoint.base_url}: "
            f"{json.dumps(result, ensure_ascii=False)[:200]}"
        )
    return result


def list_methods(
    endpoint: Endpoint, pattern: str, api_key: str, output_format: str,
    timeout: float,
) -> int:
    """``--list``: the names of the server's methods matching ``pattern``, one per line."""
    result = introspect(endpoint, pattern, api_key, output_format, timeout)
    if result is None:
        return EXIT_API_ERROR
    names = method_names(result)
    if output_format == "pretty":
        write_lines(names)
    if not names:
        raise IntrospectionProblem(f"no method of {endpoint.base_url} matches `{pattern}`")
    return EXIT_OK


def describe_method(
    endpoint: Endpoint, name: str, api_key: str, output_format: str,
    timeout: float,
) -> int:
    """``help METHOD``: the method's arguments, required ones first, with their defaults."""
    result = introspect(endpoint, name, api_key, output_format, timeout)
    if result is None:
        return EXIT_API_ERROR
    found = single_method(result)
    if found is None:
        names = method_names(result)
        if not names:
            raise IntrospectionProblem(
                f"unknown method `{name}`: {endpoint.base_url} has no such method "
                f"(see {PROG_NAME} --list)"
            )
        raise IntrospectionProblem(
            f"`{name}` matches {len(names)} methods, name one: {', '.join(names)}"
        )
    if output_format == "pretty":
        method, description = found
        lines = help_lines(method, method_arguments(description), endpoint)
        write_lines(lines)
    return EXIT_OK


def help_lines(method: str, arguments: list[Argument], endpoint: Endpoint) -> list[str]:
    """The text of ``help METHOD``: one line per argument, then a usage example."""
    lines = [f"Method {method} of {endpoint.base_url}", "Arguments:"]
    width = max((len(argument.name) for argument in arguments), default=0) + 2
    for argument in arguments:
        if argument.required:
            what = "required"
        elif argument.raw is not None:
            what = f"optional ({argument.raw})"
        else:
            what = f"optional, default {argument.default}"
        lines.append(f"  {argument.name:<{width}}{what}")
    if not arguments:
        lines.append("  (none)")
    required = [f"{argument.name}:VALUE" for argument in arguments if argument.required]
    optional = ["[key:value]..."] if any(not a.required for a in arguments) else []
    lines.append(f"Usage: {' '.join([PROG_NAME, method, *required, *optional])}")
    return lines


# --------------------------------------------------------------------------- command


@click.command(
    name=PROG_NAME,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "Arguments are key:value, split at the first colon. Values that are JSON "
        "(true, false, null, numbers, [lists], {objects}) are sent as such, anything else "
        "as a string. A string that looks like a number (or like true, false or null) must "
        "be quoted as a JSON string: repoid:'\"123\"' sends the string \"123\", "
        "repoid:123 the number 123.\n\n"
        f"--list [PATTERN] prints the server's methods (those matching the glob PATTERN), "
        f"one per line; `{PROG_NAME} help METHOD` prints the arguments METHOD takes, "
        "required ones first, with the defaults of the others. Both ask the server "
        f"(RhodeCode 4.x's {INTROSPECTION_METHOD}, which needs a super-admin API key).\n\n"
        "Exit status: 0 success, 1 the API answered with an error (or introspection failed), "
        "2 usage error, 3 the server could not be reached or did not answer like a "
        "JSON-RPC API."
    ),
)
@click.option("--instance-name", metavar="NAME", help="Instance of the config file to use.")
@click.option(
    "--apikey", "--api-key", "apikey", envvar=ENV_KEY, metavar="KEY",
    help=f"API key (auth token). Environment: {ENV_KEY}.",
)
@click.option(
    "--apihost", "--api-host", "apihost", envvar=ENV_HOST, metavar="URL",
    help=f"Server URL, e.g. http://host:5000 (or its /_admin/api URL). Environment: {ENV_HOST}.",
)
@click.option(
    "-c", "--config", "config_file", metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Configuration file (default {api_config.DEFAULT_CONFIG_FILE}).",
)
@click.option("--save-config", is_flag=True, help="Store --apikey/--apihost for the instance.")
@click.option(
    "-F", "--format", "output_format", type=click.Choice(["pretty", "json"]), default="pretty",
    show_default=True, help="json prints only the raw JSON-RPC envelope.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
    help="Seconds to wait for the server (0: no limit).",
)
@click.option(
    "-l", "--list", "list_wanted", is_flag=True,
    help="List the server's methods instead of calling one (METHOD, if given, is a glob).",
)
@click.argument("method", required=False)
@click.argument("arguments", nargs=-1, metavar="[key:value]...")
def cli(
    instance_name: str | None,
    apikey: str | None,
    apihost: str | None,
    config_file: Path | None,
    save_config: bool,
    output_format: str,
    timeout: float,
    list_wanted: bool,
    method: str | None,
    arguments: tuple[str, ...],
) -> int:
    """Call METHOD of a vcshub (RhodeCode/Kallithea compatible) JSON-RPC API.

    `--list` lists the server's methods, `help METHOD` describes one.
    """
    action = _action(list_wanted, method, arguments)
    if method is not None and ":" in method:
        raise UsageProblem(f"missing METHOD: `{method}` looks like a key:value argument")
    args = {} if action else parse_arguments(arguments)
    config_path = config_file or api_config.default_config_path()
    settings = resolve_instance(
        config_path, instance_name, _clean(apihost), _clean(apikey), need_file=save_config
    )
    if save_config:
        written = save_instance(config_path, settings)
        click.echo(f"Saved instance `{settings.name}` to {written}", err=True)
    if method is None and not action:
        if save_config:
            return EXIT_OK
        raise UsageProblem("missing METHOD (try --help)")
    require_connection(settings, config_path, named=instance_name is not None)
    endpoint = endpoint_for(settings.api_host)
    if action == "list":
        return list_methods(endpoint, method or "*", settings.api_key, output_format, timeout)
    if action == HELP_COMMAND:
        return describe_method(endpoint, arguments[0], settings.api_key, output_format, timeout)
    return call(endpoint, method, args, settings.api_key, output_format, timeout)


def _action(list_wanted: bool, method: str | None, arguments: tuple[str, ...]) -> str | None:
    """``list`` for --list, ``help`` for `help METHOD`, None for an ordinary call."""
    if list_wanted:
        if arguments or (method is not None and ":" in method):
            raise UsageProblem("--list takes at most one PATTERN, not key:value arguments")
        return "list"
    if method != HELP_COMMAND:
        return None
    if len(arguments) != 1:
        raise UsageProblem(
            f"usage: {PROG_NAME} help METHOD (one method; {PROG_NAME} --list names them all)"
        )
    if ":" in arguments[0]:
        raise UsageProblem("`help` takes a METHOD name, not a key:value argument")
    return HELP_COMMAND


def call(
    endpoint: Endpoint, method: str, args: dict[str, Any], api_key: str, output_format: str,
    timeout: float,
) -> int:
    """Send one call, print the answer in the chosen format and return the exit status."""
    body = encode_request(build_request(method, args, api_key))
    if output_format == "pretty":
        click.echo(f"Calling method {method} => {endpoint.base_url}")
    reply = post_request(endpoint, body, timeout or None)
    write_output(print_raw_reply if output_format == "json" else print_pretty_reply, reply)
    if reply.failed:
        report_api_error(reply)
        return EXIT_API_ERROR
    return EXIT_OK


def _clean(value: str | None) -> str | None:
    # An empty flag or environment variable means "not given", so the config file still counts.
    return (value or "").strip() or None


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: run the command, turning every failure into one stderr line."""
    try:
        return cli.main(args=argv, prog_name=PROG_NAME, standalone_mode=False) or EXIT_OK
    except click.ClickException as exc:
        return _fail(exc.format_message(), exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        return _fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the contract is "never a traceback"
        # Not a usage or connection problem, and the call may have happened: report failure.
        return _fail(f"unexpected error: {_describe(exc)}", EXIT_API_ERROR)


def _fail(message: str, exit_code: int) -> int:
    click.echo(f"{PROG_NAME}: error: {_one_line(message)}", err=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
