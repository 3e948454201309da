"""Background tasks: asking for one, and the life of its row, queued → running → done | failed.

The row (db/models/task.py) is the truth about a task whichever runner carries it out, so
both runners (tasks/embedded.py, tasks/celery_app.py) are honest the same way:

* a service asks with :func:`submit` inside its unit of work; the runner is told once the
  unit commits (a rolled-back request asks for nothing), through the dispatchers the process
  registered (:func:`listen`). With none (the console), the row waits for a runner's sweep;
* a runner :func:`claim`\\ s the row before working (one claim wins: a task told twice runs
  once), writes a heartbeat while it works (:func:`beat`), then :func:`finish`\\ es or
  :func:`fail`\\ s it;
* a running row whose heartbeat went stale belonged to a process that died (a restart, a
  killed worker): the sweep (tasks/sweep.py) marks it failed and queues it again when the
  task is safe to repeat and has attempts left.

What each task does is in tasks/catalog.py; this module knows none of it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, update

from vcshub.db.models import NodeProcess, TaskRun
from vcshub.db.models.task import DONE, FAILED, QUEUED, RUNNING
from vcshub.permissions.caller import Caller
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

MAX_ATTEMPTS = 3
ERROR_CHARS = 2000  # of an error message kept on the row

_dispatchers: list[Callable[[str], None]] = []


def listen(dispatcher: Callable[[str], None]) -> None:
    """Register how this process hands a committed task to its runner."""
    _dispatchers.append(dispatcher)


def forget(dispatcher: Callable[[str], None]) -> None:
    if dispatcher in _dispatchers:
        _dispatchers.remove(dispatcher)


def dispatch(task_id: str) -> None:
    for dispatcher in list(_dispatchers):
        dispatcher(task_id)


def submit(uow: UnitOfWork, name: str, arguments: dict, *, repo_id: int | None = None,
           user_id: int | None = None) -> TaskRun:
    """Queue a task; its runner hears of it once ``uow`` commits."""
    task = TaskRun(
        task_id=str(uuid.uuid4()), name=name, arguments=json.dumps(arguments), state=QUEUED,
        attempts=0, repo_id=repo_id, user_id=user_id,
        runner="celery" if uow.settings.task_broker_url else "embedded",
    )
    uow.db.add(task)
    uow.db.flush()
    task_id = task.task_id
    uow.after_commit(lambda: dispatch(task_id))
    return task


MAIL = "mail.send"


def send_mail(uow: UnitOfWork, to: str, subject: str, body: str) -> None:
    """Queue a plain-text mail; it leaves once ``uow`` commits (only if what it announces was
    committed), and a slow SMTP server holds up no request. Its text (a reset link) is erased
    from the row once the task ends."""
    submit(uow, MAIL, {"to": to, "subject": subject, "body": body})


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def claim(uow: UnitOfWork, task_id: str, node: str) -> TaskRun | None:
    """Take a queued task for ``node``; None when it is not queued (taken, done, gone)."""
    moment = now()
    taken = uow.db.execute(
        update(TaskRun)
        .where(TaskRun.task_id == task_id, TaskRun.state == QUEUED)
        .values(state=RUNNING, attempts=TaskRun.attempts + 1, node=node, started_on=moment,
                heartbeat_on=moment, finished_on=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return uow.db.get(TaskRun, task_id, populate_existing=True) if taken else None


def finish(uow: UnitOfWork, task_id: str, result: object, forget_arguments: bool = False) -> None:
    _close(uow, task_id, DONE, forget_arguments, result=json.dumps(result), error=None)


def fail(uow: UnitOfWork, task_id: str, error: str, forget_arguments: bool = False) -> None:
    _close(uow, task_id, FAILED, forget_arguments, error=error[:ERROR_CHARS])


def _close(uow: UnitOfWork, task_id: str, state: str, forget_arguments: bool,
           **values: object) -> None:
    if forget_arguments:  # secrets (a reset link) kept no longer than needed
        values["arguments"] = "{}"
    uow.db.execute(
        update(TaskRun).where(TaskRun.task_id == task_id, TaskRun.state == RUNNING)
        .values(state=state, finished_on=now(), **values)
        .execution_options(synchronize_session=False))


def beat(uow: UnitOfWork, node: str, kind: str, version: str, task_ids: list[str]) -> None:
    """``node`` is alive and still works on ``task_ids``."""
    moment = now()
    if task_ids:
        uow.db.execute(
            update(TaskRun)
            .where(TaskRun.task_id.in_(task_ids), TaskRun.node == node, TaskRun.state == RUNNING)
            .values(heartbeat_on=moment).execution_options(synchronize_session=False))
    seen = uow.db.get(NodeProcess, node)
    if seen is None:
        uow.db.add(NodeProcess(node=node, kind=kind, version=version, started_on=moment,
                               seen_on=moment))
    else:
        seen.seen_on = moment
    uow.db.flush()


def stale(uow: UnitOfWork, older_than: dt.timedelta) -> list[TaskRun]:
    """Running tasks whose process stopped beating."""
    return list(uow.db.scalars(select(TaskRun).where(
        TaskRun.state == RUNNING, TaskRun.heartbeat_on < now() - older_than)))


def unclaimed(uow: UnitOfWork, older_than: dt.timedelta) -> list[TaskRun]:
    """Queued tasks nobody took: the telling was lost (a process died right after its commit,
    the broker was down) or nobody listened (the console)."""
    return list(uow.db.scalars(select(TaskRun).where(
        TaskRun.state == QUEUED, TaskRun.created_on < now() - older_than)))


def interrupted(uow: UnitOfWork, task: TaskRun, again: bool, forget_arguments: bool = False) -> None:
    """A stale task: failed, and queued again when ``again`` (then the same id runs anew)."""
    message = f"interrupted: {task.node} stopped during attempt {task.attempts}"
    values = {"state": QUEUED, "error": message} if again else {
        "state": FAILED, "error": message, "finished_on": now()}
    if forget_arguments and not again:
        values["arguments"] = "{}"
    uow.db.execute(update(TaskRun).where(TaskRun.task_id == task.task_id, TaskRun.state == RUNNING)
                   .values(**values).execution_options(synchronize_session=False))


def latest_for_repo(uow: UnitOfWork, repo_id: int) -> TaskRun | None:
    return uow.db.scalar(select(TaskRun).where(TaskRun.repo_id == repo_id)
                         .order_by(TaskRun.created_on.desc()).limit(1))


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]  # by state
    running: list[TaskRun]
    failed: list[TaskRun]  # the latest
    queued: list[TaskRun]  # the oldest
    nodes: list[NodeProcess]  # seen within the last minutes


def overview(uow: UnitOfWork, caller: Caller, failed_limit: int = 10,
             seen_within: dt.timedelta = dt.timedelta(minutes=2)) -> Overview:
    """What `vcshub status` shows; super-admins (and the console) only."""
    require_admin(caller)
    return Overview(
        counts=counts(uow),
        running=list(uow.db.scalars(select(TaskRun).where(TaskRun.state == RUNNING)
                                    .order_by(TaskRun.started_on))),
        failed=list(uow.db.scalars(select(TaskRun).where(TaskRun.state == FAILED)
                                   .order_by(TaskRun.finished_on.desc()).limit(failed_limit))),
        queued=list(uow.db.scalars(select(TaskRun).where(TaskRun.state == QUEUED)
                                   .order_by(TaskRun.created_on).limit(failed_limit))),
        nodes=processes_seen(uow, seen_within),
    )


def counts(uow: UnitOfWork) -> dict[str, int]:
    """Tasks by state (figures only: the metrics show them to whoever may scrape)."""
    found = dict(uow.db.execute(select(TaskRun.state, func.count()).group_by(TaskRun.state)).all())
    return {state: found.get(state, 0) for state in (QUEUED, RUNNING, DONE, FAILED)}


def processes_seen(uow: UnitOfWork, within: dt.timedelta) -> list[NodeProcess]:
    return list(uow.db.scalars(select(NodeProcess).where(NodeProcess.seen_on >= now() - within)
                               .order_by(NodeProcess.kind, NodeProcess.node)))


def forget_nodes(uow: UnitOfWork, older_than: dt.timedelta) -> None:
    """Drop processes not seen for a long time (the sweep keeps the table small)."""
    uow.db.execute(NodeProcess.__table__.delete().where(NodeProcess.seen_on < now() - older_than))
