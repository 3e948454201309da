"""What ``vcshub-api`` prints: replies, errors and deprecation notes."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from vcshub.cli.api_protocol import PROG_NAME, Reply, one_line

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
        click.echo(f"{PROG_NAME}: warning: {one_line(str(warning))}", err=True)


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
    text = one_line(error_text(reply.error))
    click.echo(f"{PROG_NAME}: API error: {text}{f' ({hint})' if hint else ''}", err=True)


def error_text(error: Any) -> str:
    return error if isinstance(error, str) else json.dumps(error, ensure_ascii=False)


