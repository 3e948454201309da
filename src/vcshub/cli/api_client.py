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
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from vcshub.cli import api_config
from vcshub.cli.api_config import ConfigFileError, InstanceSettings
from vcshub.cli.api_introspection import (
    HELP_COMMAND,
    INTROSPECTION_METHOD,
    describe_method,
    list_methods,
)
from vcshub.cli.api_output import (
    print_pretty_reply,
    print_raw_reply,
    report_api_error,
    write_output,
)
from vcshub.cli.api_protocol import (
    DEFAULT_TIMEOUT,
    ENV_HOST,
    ENV_KEY,
    EXIT_API_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    PROG_NAME,
    Endpoint,
    UsageProblem,
    build_request,
    describe_exception,
    encode_request,
    endpoint_for,
    one_line,
    parse_arguments,
    post_request,
)

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
        return _fail(f"unexpected error: {describe_exception(exc)}", EXIT_API_ERROR)


def _fail(message: str, exit_code: int) -> int:
    click.echo(f"{PROG_NAME}: error: {one_line(message)}", err=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

