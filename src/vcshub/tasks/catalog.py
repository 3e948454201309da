"""What each background task does, by name: the one table both runners execute from.

A task's body takes a :class:`TaskContext` and the JSON arguments it was submitted with
(services/tasks.py ``submit``), opens its own units of work, and returns a short JSON-able
account of what it did (kept on the row). ``retry_safe`` says whether an attempt interrupted
by a dead process may simply run again (the sweep queues it again, tasks/sweep.py):
cloning into a pending repository is (an attempt's leftovers are removed first), sending a
mail twice is not. ``on_failure`` lets the domain record a final failure where users look
(a pending repository turns to "error").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.db.models import User
from vcshub.permissions.caller import CONSOLE, Caller
from vcshub.services import housekeeping, mirroring, repo_population, tasks
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.tasks import jobs, mail


@dataclass(frozen=True)
class TaskContext:
    sessions: sessionmaker[Session]
    settings: Settings
    user_id: int | None  # who asked; None: the system

    def unit(self):
        return unit_of_work(self.sessions, self.settings)

    def caller(self, uow: UnitOfWork) -> Caller:
        """The asker, with his permissions as they are now (checked again by the service)."""
        if self.user_id is None:
            return CONSOLE  # type: ignore[return-value]
        user = uow.db.get(User, self.user_id)
        if user is None or not user.active:
            raise PermissionError("the user who asked for this task is gone or inactive")
        return Caller(uow.db, user)


@dataclass(frozen=True)
class TaskKind:
    name: str
    run: Callable[..., object]
    retry_safe: bool
    on_failure: Callable[..., None] | None = None
    secret_arguments: bool = False  # erased from the row once the task ends


def _populate(context: TaskContext, repo_id: int) -> str:
    with context.unit() as uow:
        return repo_population.populate(uow, context.caller(uow), repo_id)


def _population_failed(context: TaskContext, reason: str, repo_id: int) -> None:
    with context.unit() as uow:
        try:
            caller = context.caller(uow)
        except PermissionError:
            caller = CONSOLE  # the asker is gone: the failure is recorded all the same
        repo_population.failed(uow, caller, repo_id, reason)


def _pull(context: TaskContext, repo_id: int) -> str:
    with context.unit() as uow:
        return mirroring.pull(uow, context.caller(uow), repo_id)


def _housekeep(context: TaskContext, repo_id: int) -> dict:
    with context.unit() as uow:
        return {"actions": housekeeping.housekeep_repository(uow, repo_id)}


def _mail(context: TaskContext, to: str, subject: str, body: str) -> str:
    mail.send(context.settings, mail.message(context.settings, to, subject, body))
    return f"sent to {to}"


def _expire_gists(context: TaskContext) -> dict:
    return {"removed": jobs.collect_expired_gists(context.sessions, context.settings)}


def _expire_audit(context: TaskContext) -> dict:
    return {"removed": jobs.expire_audit_entries(context.sessions, context.settings)}


CATALOG: dict[str, TaskKind] = {kind.name: kind for kind in (
    TaskKind(repo_population.TASK, _populate, retry_safe=True, on_failure=_population_failed),
    TaskKind(mirroring.TASK, _pull, retry_safe=True),  # a fetch may simply run again
    TaskKind(housekeeping.TASK, _housekeep, retry_safe=True),  # git and hg repack atomically
    TaskKind(tasks.MAIL, _mail, retry_safe=False, secret_arguments=True),
    TaskKind("gists.expire", _expire_gists, retry_safe=True),
    TaskKind("audit.expire", _expire_audit, retry_safe=True),
)}
