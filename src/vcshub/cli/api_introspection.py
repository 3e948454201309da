"""``--list`` and ``help``: asking the server to describe its methods (``get_method``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from vcshub.cli.api_output import (
    error_text,
    print_raw_reply,
    report_api_error,
    report_deprecation,
    write_lines,
    write_output,
)
from vcshub.cli.api_protocol import (
    EXIT_API_ERROR,
    EXIT_OK,
    PROG_NAME,
    Endpoint,
    IntrospectionProblem,
    build_request,
    encode_request,
    post_request,
)

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


