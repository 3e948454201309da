"""``vcshub ssh-key`` (users' SSH keys) and the two commands of the OpenSSH integration,
``ssh-keys-for`` (sshd's AuthorizedKeysCommand) and ``ssh-serve`` (the forced command)."""

from __future__ import annotations

import os
import sys

import click

from vcshub.config import Settings
from vcshub.cli.console_settings import command_settings
from vcshub.db import audit_trail
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.permissions.caller import CONSOLE
from vcshub.services import ssh_keys
from vcshub.services.errors import DomainError
from vcshub.services.unit_of_work import unit_of_work


def _console_unit(settings: Settings, work):
    engine = create_db_engine(settings.effective_database_url)
    try:
        with unit_of_work(create_session_factory(engine, origin=audit_trail.Origin("cli")),
                          settings) as uow:
            return work(uow)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


@click.group("ssh-key")
def ssh_key() -> None:
    """Users' SSH keys (git and hg over SSH)."""


@ssh_key.command("add")
@click.argument("username")
@click.argument("key_file", type=click.File("r"))
@click.option("--comment", default=None, help="Shown in key lists (default: the key's own comment).")
@click.pass_context
def ssh_key_add(ctx, username: str, key_file, comment: str | None) -> None:
    """Add the public key in KEY_FILE (an id_*.pub file, - for stdin) to USERNAME."""
    text = key_file.read()
    key = _console_unit(command_settings(ctx), lambda uow: _added(uow, username, text, comment))
    click.echo(f"added key {key[0]}: {key[1]}")


def _added(uow, username, text, comment):
    row = ssh_keys.add_key(uow, CONSOLE, username, text, comment)
    return row.ssh_key_id, row.fingerprint


@ssh_key.command("list")
@click.argument("username")
@click.pass_context
def ssh_key_list(ctx, username: str) -> None:
    """List USERNAME's keys: id, fingerprint, comment, created, last used."""

    def listed(uow):
        _, rows = ssh_keys.list_keys(uow, CONSOLE, username)
        return [(r.ssh_key_id, r.fingerprint, r.comment, r.created_on, r.last_used) for r in rows]

    for key_id, fingerprint, comment, created, used in _console_unit(command_settings(ctx), listed):
        used_text = used.strftime("%Y-%m-%d %H:%M") if used else "never"
        click.echo(f"{key_id}\t{fingerprint}\t{comment}\tcreated {created:%Y-%m-%d %H:%M}\tused {used_text}")


@ssh_key.command("remove")
@click.argument("username")
@click.argument("key_id", type=int)
@click.pass_context
def ssh_key_remove(ctx, username: str, key_id: int) -> None:
    """Remove USERNAME's key KEY_ID (as `list` shows it)."""
    _console_unit(command_settings(ctx), lambda uow: ssh_keys.delete_key(uow, CONSOLE, username, key_id))
    click.echo(f"removed key {key_id}")


@click.command("ssh-keys-for")
@click.argument("key_type")
@click.argument("key_base64")
@click.pass_context
def ssh_keys_for(ctx, key_type: str, key_base64: str) -> None:
    """OpenSSH's AuthorizedKeysCommand (arguments %t %k): print the authorized_keys line of
    this key with its forced command, or nothing when no user has it."""
    from vcshub.transport import ssh_forced_command

    settings = command_settings(ctx)
    command = ssh_forced_command.vcshub_command(ctx.obj.get("config"))
    del key_type  # sshd's %t: the stored key carries its type, and sshd compares the two
    line = ssh_forced_command.authorized_keys_line(settings, key_base64, command)
    if line is not None:
        click.echo(line)


@click.command("ssh-serve")
@click.option("--key-id", type=int, required=True)
@click.pass_context
def ssh_serve(ctx, key_id: int) -> None:
    """The forced command sshd runs for a vcshub key (set by ssh-keys-for): serves the git or
    hg command in SSH_ORIGINAL_COMMAND."""
    from vcshub.transport import ssh_forced_command

    settings = command_settings(ctx)
    sys.exit(ssh_forced_command.serve(settings, key_id, os.environ))


COMMANDS = (ssh_key, ssh_keys_for, ssh_serve)
