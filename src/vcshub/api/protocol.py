"""The JSON-RPC pipeline (REFERENCE.md 1.4): parse, authenticate, bind, run, envelope.

Every outcome is an envelope ``{"id", "result", "error"}``; nothing here raises to the caller.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session, sessionmaker

from vcshub.api.call import Call
from vcshub.api.errors import (
    INTERNAL_ERROR,
    ApiError,
    CoercionError,
    TooDeep,
    auth_message,
    contract_message,
)
from vcshub.api.registry import ABSENT, ApiMethod, Registry
from vcshub.auth.errors import AuthError
from vcshub.auth.identity import check_role, check_user_access, find_token_owner
from vcshub.auth.tokens import API_ROLES
from vcshub.config import Settings
from vcshub.permissions.caller import Caller
from vcshub.services import exception_store
from vcshub.services.errors import DomainError
from vcshub.services.unit_of_work import UnitOfWork, open_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiRequest:
    http_method: str
    has_content_length: bool
    body: bytes
    client_ip: str
    base_url: str
    server_address: str


# an integer beyond 64 bits, or any other run of 20 digits (see _parse)
_LONG_DIGITS = re.compile(rb"\d{20}")

# No argument nests deeper than a few levels, but an ``id`` is any JSON value, echoed (a
# 300-level id is echoed: tests/api/test_protocol.py). Past this depth a document would exhaust
# Python's recursion limit (1,000 frames) further on: repr in error texts, encoding the id.
MAX_DEPTH = 512


def envelope(request_id: Any, result: Any = None, error: str | None = None) -> dict[str, Any]:
    return {"id": request_id, "result": result, "error": error}


class Dispatcher:
    def __init__(
        self,
        registry: Registry,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.registry = registry
        self.sessions = sessions
        self.settings = settings
        self.clock = clock

    def handle(self, request: ApiRequest) -> dict[str, Any]:
        """Run one request through the pipeline; always returns an envelope."""
        if request.http_method not in ("POST", "GET"):
            return envelope(
                None, error=f'unsupported request method "{request.http_method}". Please use POST'
            )
        if not request.has_content_length:
            return envelope(None, error="Empty body, No Content-Length in request")
        if not request.body:
            return envelope(None, error="Content-Length is 0")
        try:
            data = _parse(request.body)
        except (orjson.JSONDecodeError, TooDeep) as exc:
            raw = request.body[:1000].decode("utf-8", "replace")
            return envelope(None, error=f"JSON parse error ERR:{exc} RAW:{raw!r}")
        if not isinstance(data, dict):
            return envelope(None, error="Incorrect JSON data. Missing 'api_key or auth_token'")
        try:
            return self._handle_document(request, data)
        except Exception as exc:
            # Never an HTTP 500 (1.3): a failure outside a method body (database down while
            # authenticating, ...) is still an envelope.
            log.exception("API request failed")
            self._keep(exc, f"API {data.get('method')!r}", _secrets_of(data))
            return envelope(data.get("id"), error=INTERNAL_ERROR)

    def _keep(self, exc: Exception, where: str, hidden: list[str]) -> None:
        """Record an unexpected error in the exception store, without the request's secrets;
        a store that cannot be written must not change the answer."""
        try:
            exception_store.record(self.settings, exc, where=where,
                                   known_secrets=hidden)
        except OSError:
            log.exception("cannot record the error in the exception store")

    def _handle_document(self, request: ApiRequest, data: dict[str, Any]) -> dict[str, Any]:
        request_id = data.get("id")
        token = data.get("api_key") or data.get("auth_token")
        if not token:
            return envelope(request_id, error="Incorrect JSON data. Missing 'api_key or auth_token'")
        for key in ("id", "method", "args"):
            if key not in data:
                return envelope(
                    None if key == "id" else request_id,
                    error=f"Incorrect JSON data. Missing '{key}'",
                )
        method = self.registry.get(data["method"])
        if method is None:
            return envelope(request_id, error=f"No such method: {data['method']}")
        raw_args = data["args"] if isinstance(data["args"], dict) else {}
        raw_args = _apply_legacy_names(raw_args, method.legacy_args)

        with open_session(self.sessions, writes=method.writes_for(raw_args)) as db:
            uow = UnitOfWork(db=db, settings=self.settings, clock=self.clock)
            try:
                user, role, whitelist = find_token_owner(db, token, self.clock())
                check_user_access(db, user, request.client_ip, whitelist)
                check_role(role, API_ROLES)
            except AuthError as exc:
                return envelope(request_id, error=auth_message(exc))
            uow.acting("api", user, request.client_ip)
            for param in method.params:
                if param.required and param.name not in raw_args:
                    return envelope(
                        request_id, error=f"Missing non optional `{param.name}` arg in JSON DATA"
                    )
            call = Call(
                uow=uow,
                caller=Caller(db, user, role),
                client_ip=request.client_ip,
                base_url=request.base_url,
                server_address=request.server_address,
                registry=self.registry,
            )
            return self._run(method, call, raw_args, request_id, _secrets_of(data))

    def _run(
        self, method: ApiMethod, call: Call, raw_args: Mapping[str, Any], request_id: Any,
        hidden: list[str],
    ) -> dict[str, Any]:
        try:
            kwargs = _bind(method, raw_args)
            call.args = {k: v for k, v in kwargs.items() if k in raw_args}
            result = method.func(call, **kwargs)
            call.uow.commit()
        except ApiError as exc:
            call.uow.rollback()
            return envelope(request_id, error=exc.message)
        except CoercionError as exc:
            call.uow.rollback()
            # A method whose every failure has one text in the contract keeps it (4.x: "any
            # failure → failed to create ..."); others tell which argument is wrong.
            return envelope(request_id, error=method.failure_message(raw_args) or exc.message)
        except DomainError as exc:
            call.uow.rollback()
            message = contract_message(exc) or method.failure_message(raw_args) or str(exc)
            return envelope(request_id, error=message)
        except Exception as exc:
            log.exception("API method %s failed", method.name)
            call.uow.rollback()
            self._keep(exc, f"API {method.name}", hidden)
            return envelope(request_id, error=method.failure_message(raw_args) or INTERNAL_ERROR)
        reply = envelope(request_id, result=result)
        if method.deprecated_for:
            reply["DEPRECATION_WARNING"] = (
                f"DEPRECATED METHOD Please use method `{method.deprecated_for}` instead."
            )
        return reply


_SECRET_ARGUMENT = re.compile(r"pass|token|key|secret", re.IGNORECASE)


def _secrets_of(document: Mapping[str, Any]) -> list[str]:
    """The values of a request that must not be kept: its token, and arguments named like
    passwords, tokens or keys (at the top level of ``args``, where the API takes them)."""
    found = [document.get("api_key"), document.get("auth_token")]
    args = document.get("args")
    for name, value in (args.items() if isinstance(args, dict) else ()):
        if isinstance(name, str) and _SECRET_ARGUMENT.search(name):
            found.append(value)
    return [v for v in found if isinstance(v, str)]


def _apply_legacy_names(args: dict[str, Any], legacy: Mapping[str, str]) -> dict[str, Any]:
    """Translate older argument names, only where the current name is absent."""
    if not legacy:
        return args
    args = dict(args)
    for old, new in legacy.items():
        if old in args and new not in args:
            args[new] = args.pop(old)
    return args


def _bind(method: ApiMethod, raw_args: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for the method: sent values (coerced) or defaults; unknown keys dropped."""
    kwargs = {}
    for param in method.params:
        if param.name in raw_args:
            value = raw_args[param.name]
            try:
                kwargs[param.name] = param.coerce(value) if param.coerce else value
            except CoercionError as exc:
                raise exc.for_argument(param.name) from None
        else:
            kwargs[param.name] = param.default
    return kwargs


def _parse(body: bytes) -> Any:
    """The JSON document; integers beyond 64 bits stay integers (orjson reads them as floats:
    an ``id`` of 10**20 would be echoed as 1e+20). Such an integer has at least 20 digits: only
    a body holding 20 digits in a row is read again, by the standard library."""
    data = orjson.loads(body)
    # Depth is only worth measuring when the body holds enough brackets to reach it.
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise TooDeep(MAX_DEPTH)
    if _LONG_DIGITS.search(body):
        try:
            data = json.loads(body)
        except RecursionError:  # nested deeper than the standard library goes: keep orjson's
            pass
    return data


def _depth(data: Any) -> int:
    """How deep lists and objects nest in ``data`` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            stack.extend((item, level + 1) for item in value)
    return deepest


def encode(reply: dict[str, Any]) -> bytes:
    """The response body. The ``id`` is echoed as sent, so it may be something orjson refuses
    (nested deeper than 254 levels, an integer beyond 64 bits): the standard library then
    writes it, and if even that fails the client gets an error envelope rather than an HTTP 500.
    """
    try:
        return orjson.dumps(reply, default=_fallback)
    except TypeError:
        pass
    try:
        return json.dumps(reply, default=_fallback).encode()
    except (TypeError, ValueError, RecursionError):
        log.exception("cannot encode API reply")
        return orjson.dumps(envelope(None, error=INTERNAL_ERROR))


def _fallback(value: Any) -> Any:
    if value is ABSENT:
        return None
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
