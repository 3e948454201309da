"""``vcshub``: serve, initialise and administer a vcshub instance."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vcshub.cli import ssh_commands, task_commands
from vcshub.config import Settings
from vcshub.cli.console_settings import command_settings
from vcshub.db import migrate
from vcshub.db import audit_trail
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.services import auth_tokens, bootstrap, installation, lookup
from vcshub.services.errors import DomainError
from vcshub.services.unit_of_work import unit_of_work


# Who acts in the console's units of work, for the audit trail: the machine's operator.
CONSOLE_ORIGIN = audit_trail.Origin("cli")


@click.group()
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="TOML settings file.")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """vcshub: self-hosted Git and Mercurial hosting."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 5000).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--ssh-port", type=int, default=None,
              help="Also serve git and hg over SSH on this port (default: the ssh_port setting; 0: off).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def serve(ctx, host, port, workers, ssh_port, config_file) -> None:
    """Start the server, creating the data directory and an admin on first run."""
    from vcshub.cli.server_processes import run_server

    if config_file:
        ctx.obj["config"] = config_file
    settings = command_settings(ctx, host=host, port=port, workers=workers, ssh_port=ssh_port)
    engine = create_db_engine(settings.effective_database_url)
    admin = installation.initialize(settings, engine)
    engine.dispose()
    if admin is not None:
        click.echo("A super-admin account was created. Keep these credentials; they are shown once:")
        click.echo(f"  username:  {admin.username}")
        click.echo(f"  password:  {admin.password}")
        click.echo(f"  api token: {admin.api_token}")
        click.echo(f"  (also written to {admin.file}, mode 0600)")
    click.echo(f"vcshub listening on http://{settings.host}:{settings.port}/", err=True)
    if settings.metrics_enabled:
        # Before any process that records metrics exists (the workers and the SSH server
        # inherit the environment), and before this one imports prometheus-client.
        from vcshub.metrics.directory import prepare_directory

        prepare_directory(settings.metrics_dir)
    if settings.ssh_port:
        _start_ssh_server(settings)
    run_server(settings)


def _start_ssh_server(settings: Settings) -> None:
    """The built-in SSH server in a process of its own: one listener on the SSH port whatever
    the number of HTTP workers; it ends with this process (daemon)."""
    import multiprocessing
    import os

    from vcshub.transport import ssh_server

    process = multiprocessing.get_context("spawn").Process(
        target=ssh_server.run, args=(settings, os.getpid()), name="vcshub-ssh", daemon=True
    )
    process.start()
    click.echo(f"vcshub SSH on {settings.host}:{settings.ssh_port}", err=True)


@cli.command()
@click.option("--admin-username", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-email", required=True)
@click.pass_context
def init(ctx, admin_username, admin_password, admin_email) -> None:
    """Create the data directory, schema and the given super-admin (idempotent)."""
    settings = command_settings(ctx)
    engine = create_db_engine(settings.effective_database_url)
    installation.prepare_storage(settings)
    installation.migrate_schema(settings, engine)
    try:
        with unit_of_work(create_session_factory(engine, origin=CONSOLE_ORIGIN), settings) as uow:
            user, _ = bootstrap.ensure_admin(uow, admin_username, admin_email, admin_password)
            click.echo(f"super-admin `{user.username}` is ready")
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx) -> None:
    """Apply pending schema migrations."""
    settings = command_settings(ctx)
    installation.prepare_storage(settings)
    engine = create_db_engine(settings.effective_database_url)
    installation.migrate_schema(settings, engine)
    click.echo(f"database at revision {migrate.current_revision(engine)}")
    engine.dispose()


@cli.group()
def token() -> None:
    """Authentication tokens."""


@token.command("create")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["all", "http", "vcs", "api", "feed"]), default="all", show_default=True
)
@click.option("--lifetime-minutes", type=int, default=None, help="Expire after N minutes.")
@click.option("--description", default="", help="What the token is for.")
@click.pass_context
def token_create(ctx, username, role, lifetime_minutes, description) -> None:
    """Create a token for USERNAME and print only the token."""
    settings = command_settings(ctx)
    engine = create_db_engine(settings.effective_database_url)
    try:
        with unit_of_work(create_session_factory(engine, origin=CONSOLE_ORIGIN), settings) as uow:
            user = lookup.user(uow.db, username)
            new = auth_tokens.create_token(uow, user, role, lifetime_minutes, description)
            click.echo(new.revealed_token)  # the only time it is shown
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


@cli.command("gc-gists")
@click.pass_context
def gc_gists(ctx) -> None:
    """Delete expired gists and their repositories."""
    from vcshub.tasks.jobs import collect_expired_gists

    settings = command_settings(ctx)
    engine = create_db_engine(settings.effective_database_url)
    try:
        removed = collect_expired_gists(create_session_factory(engine, origin=CONSOLE_ORIGIN), settings)
    finally:
        engine.dispose()
    click.echo(f"removed {len(removed)} expired gist(s)")


def _console_read(settings: Settings, work):
    """``work(uow)`` in a reading unit of work of its own; domain errors end the command."""
    engine = create_db_engine(settings.effective_database_url)
    try:
        with unit_of_work(create_session_factory(engine, origin=CONSOLE_ORIGIN), settings,
                         writes=False) as uow:
            return work(uow)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


def _progress():
    """The bar of commands that work through repositories one by one."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, transient=False)


@cli.command()
@click.argument("repo", required=False)
@click.option("--all", "every", is_flag=True, help="Every repository of the instance.")
@click.pass_context
def maintenance(ctx, repo: str | None, every: bool) -> None:
    """Housekeep REPO (or --all) now: git repacks into one pack with a reachability bitmap,
    packs refs and rewrites the commit-graph; hg refreshes its caches. Waits for a run
    already at a repository (after a push) to end first."""
    from vcshub.permissions.caller import CONSOLE
    from vcshub import coordination
    from vcshub.services import housekeeping, repo_disk
    if bool(repo) == every:
        raise click.UsageError("name one repository, or give --all")
    settings = command_settings(ctx)

    def read(uow):
        if every:
            return housekeeping.every_repository(uow, CONSOLE)
        found = lookup.repo(uow.db, repo)
        return [(found.repo_name, repo_disk.path(uow, found), found.repo_type)]

    targets = _console_read(settings, read)
    shared_state = coordination.for_settings(settings)
    failed = []
    with _progress() as progress:
        task = progress.add_task("housekeeping", total=len(targets))
        for name, folder, kind in targets:
            progress.update(task, description=name)
            try:
                actions = housekeeping.housekeep_folder(folder, kind, shared_state, full=True,
                                                       wait=True) or []
            except DomainError as exc:
                failed.append(name)
                progress.console.print(f"[red]{name}: {exc}[/red]")
            else:
                progress.console.print(f"{name}: " + ("; ".join(actions) or "nothing to do"))
            progress.advance(task)
        progress.update(task, description="housekeeping done")
    if failed:
        raise click.ClickException(f"housekeeping failed for {len(failed)} repositories: {', '.join(failed)}")


@cli.command("index")
@click.argument("repo", required=False)
@click.option("--all", "every", is_flag=True, help="Every repository of the instance.")
@click.pass_context
def index_command(ctx, repo: str | None, every: bool) -> None:
    """Rebuild the full-text search index of REPO (or --all) from scratch. Waits for a running
    update (a server's, after a push) to finish first."""
    from vcshub import vcs
    from vcshub.permissions.caller import CONSOLE
    from vcshub.services import search
    from vcshub.services.search import indexer

    if bool(repo) == every:
        raise click.UsageError("name one repository, or give --all")
    settings = command_settings(ctx)
    targets, existing = _console_read(
        settings, lambda uow: (search.targets(uow, CONSOLE, repo), search.all_repo_ids(uow)))
    base = settings.search_index_dir
    failed = []
    with _progress() as progress:
        task = progress.add_task("indexing", total=len(targets))
        for name, target in targets:
            progress.update(task, description=name)
            try:
                done = indexer.update(base, target, settings.search_max_file_bytes,
                                      rebuild=True, threads=2)
            except (vcs.VCSError, OSError, ValueError) as exc:
                failed.append(name)
                progress.console.print(f"[red]{name}: {exc}[/red]")
            else:
                progress.console.print(f"{name}: {done.files_indexed} files, "
                                       f"{done.commits_indexed} commits in {done.seconds:.1f} s")
            progress.advance(task)
        if every:
            for gone in indexer.indexed_repo_ids(base) - existing:
                indexer.drop(base, gone)
        progress.update(task, description="indexing done")
    if failed:
        raise click.ClickException(f"indexing failed for {len(failed)} repositories: {', '.join(failed)}")
for _command in [*ssh_commands.COMMANDS, *task_commands.COMMANDS]:
    cli.add_command(_command)


def main() -> None:
    try:
        cli(obj={})
    except KeyboardInterrupt:
        sys.exit(130)
