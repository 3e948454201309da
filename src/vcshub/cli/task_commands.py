"""``vcshub worker`` (a Celery worker running the background tasks) and ``vcshub status``
(the tasks, the processes seen, their versions)."""

from __future__ import annotations

import datetime as dt

import click

from vcshub import vcs
from vcshub.config import Settings
from vcshub.cli.console_settings import command_settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.permissions.caller import CONSOLE
from vcshub.services import tasks
from vcshub.services.unit_of_work import unit_of_work


@click.command()
@click.option("--concurrency", type=int, default=None,
              help="Tasks run at once (default: the task_concurrency setting).")
@click.pass_context
def worker(ctx, concurrency: int | None) -> None:
    """Run background tasks from the task broker (task_broker_url), as a Celery worker with
    the server's settings. Start as many as you like, on any machine that sees the database
    and the repository directory."""
    settings = command_settings(ctx)
    if not settings.task_broker_url:
        raise click.ClickException("no task_broker_url is set (VCSHUB_TASK_BROKER_URL): the "
                                   "server runs its tasks itself, no worker is needed")
    from vcshub.tasks.celery_app import run_worker
    from vcshub.tasks.search_queue import SearchQueue

    vcs.load_backends()
    engine = create_db_engine(settings.effective_database_url,
                              pool_size=settings.database_pool_size)
    sessions = create_session_factory(engine)
    search_queue = SearchQueue(sessions, settings)  # what the tasks change is indexed
    search_queue.start(catch_up=False)
    try:
        run_worker(settings, sessions, concurrency or settings.task_concurrency)
    finally:
        search_queue.stop()
        engine.dispose()


@click.command()
@click.pass_context
def status(ctx) -> None:
    """The background tasks (queued, running, the latest failures) and the processes seen."""
    settings = command_settings(ctx)
    engine = create_db_engine(settings.effective_database_url)
    try:
        with unit_of_work(create_session_factory(engine), settings, writes=False) as uow:
            seen = tasks.overview(uow, CONSOLE)
            _print(seen, settings)
    finally:
        engine.dispose()


def _print(seen: tasks.Overview, settings: Settings) -> None:
    runner = "celery (" + _scrubbed(settings.task_broker_url) + ")" if settings.task_broker_url \
        else "embedded (threads of each server process)"
    click.echo(f"task runner: {runner}")
    click.echo("tasks: " + ", ".join(f"{count} {state}" for state, count in seen.counts.items()))
    for title, rows in (("running", seen.running), ("queued (oldest)", seen.queued),
                        ("failed (latest)", seen.failed)):
        if rows:
            click.echo(f"{title}:")
            for task in rows:
                click.echo(f"  {task.task_id}  {task.name:<16} attempt {task.attempts}  "
                           f"{_age(task.created_on)} ago  {task.node or ''}  {task.error or ''}")
    click.echo("processes seen in the last 2 minutes:")
    for node in seen.nodes:
        click.echo(f"  {node.kind:<7} {node.node:<40} vcshub {node.version}  "
                   f"seen {_age(node.seen_on)} ago, up {_age(node.started_on)}")
    if not seen.nodes:
        click.echo("  none")


def _age(moment: dt.datetime | None) -> str:
    if moment is None:
        return "?"
    seconds = int((tasks.now() - moment).total_seconds())
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _scrubbed(url: str) -> str:
    """The broker URL without its password."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if "@" in rest else url


COMMANDS = [worker, status]
