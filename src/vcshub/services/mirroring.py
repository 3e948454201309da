"""Repositories that follow a remote: pulled again every N minutes, as background tasks, and
"pull now" from the settings page.

The interval is a repository setting (``vcshub_mirror_interval_minutes``, 0 or absent: off),
set by an administrator of the repository on its remote settings page. The one leading server
process checks every minute which mirrors are due (:func:`due`: an interval set, a remote
URL, created, and no pull queued or running, last pulled longer ago than the interval) and
queues a ``repo.pull`` task for each; the task pulls as the repository's owner, so the host
policy (services/remote_policy.py) that judged the URL when it was stored judges every pull
again, with names resolved anew.

The API's ``pull`` stays within the call: its answer (REFERENCE.md) has no task, and clients
read it as "done".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select

from vcshub.db.models import Repository, RepoSetting, TaskRun
from vcshub.permissions.caller import Caller
from vcshub.services import access, repo_maintenance, tasks
from vcshub.services.errors import Invalid, StorageError
from vcshub.services.unit_of_work import UnitOfWork

INTERVAL = "vcshub_mirror_interval_minutes"
TASK = "repo.pull"
LONGEST_MINUTES = 7 * 24 * 60


def interval(uow: UnitOfWork, repo: Repository) -> int:
    row = uow.db.scalar(select(RepoSetting).where(RepoSetting.repo_id == repo.repo_id,
                                                  RepoSetting.name == INTERVAL))
    return int(row.value) if row is not None else 0


def set_interval(uow: UnitOfWork, caller: Caller, repo: Repository, minutes: object) -> int:
    """Pull every ``minutes`` (0: never); admin on the repository needed."""
    access.require_repo(caller, repo, "repository.admin")
    try:
        value = int(str(minutes).strip() or 0)
    except ValueError:
        raise Invalid("mirror_interval", "must be a whole number of minutes") from None
    if not 0 <= value <= LONGEST_MINUTES:
        raise Invalid("mirror_interval", f"must be between 0 and {LONGEST_MINUTES} minutes")
    if value and not repo.clone_uri:
        raise Invalid("mirror_interval", "the repository has no remote URL to pull from")
    row = uow.db.scalar(select(RepoSetting).where(RepoSetting.repo_id == repo.repo_id,
                                                  RepoSetting.name == INTERVAL))
    if value == 0 and row is not None:
        uow.db.delete(row)
    elif value and row is None:
        uow.db.add(RepoSetting(repo_id=repo.repo_id, name=INTERVAL, value=str(value)))
    elif value:
        row.value = str(value)
    uow.db.flush()
    return value


def queue_pull(uow: UnitOfWork, caller: Caller, repo: Repository) -> str:
    """"Pull now" as a task; admin on the repository needed. The task's id."""
    access.require_repo(caller, repo, "repository.admin")
    if not repo.clone_uri:
        raise StorageError(f"repository `{repo.repo_name}` has no remote to pull from")
    return tasks.submit(uow, TASK, {"repo_id": repo.repo_id}, repo_id=repo.repo_id,
                        user_id=caller.user_id).task_id


def pull(uow: UnitOfWork, caller: Caller, repo_id: int) -> str:
    """The task's body."""
    repo = uow.db.get(Repository, repo_id)
    if repo is None:
        return "nothing to do: the repository is gone"
    name = repo.repo_name
    repo_maintenance.pull(uow, caller, repo)
    return f"pulled into `{name}`"


def due(uow: UnitOfWork) -> list[tuple[int, int]]:
    """(repository id, owner id) of the mirrors to pull now."""
    last = (select(TaskRun.repo_id, func.max(TaskRun.created_on).label("last"))
            .where(TaskRun.name == TASK).group_by(TaskRun.repo_id).subquery())
    busy = select(TaskRun.repo_id).where(TaskRun.name == TASK,
                                         TaskRun.state.in_(("queued", "running")))
    rows = uow.db.execute(
        select(Repository.repo_id, Repository.owner_id, RepoSetting.value, last.c.last)
        .join(RepoSetting, and_(RepoSetting.repo_id == Repository.repo_id,
                                RepoSetting.name == INTERVAL))
        .outerjoin(last, last.c.repo_id == Repository.repo_id)
        .where(Repository.clone_uri.is_not(None), Repository.clone_uri != "",
               Repository.repo_state == "repo_state_created",
               Repository.repo_id.not_in(busy))
    ).all()
    now = tasks.now()
    return [(repo_id, owner_id) for repo_id, owner_id, minutes, last_pull in rows
            if last_pull is None or now - last_pull >= dt.timedelta(minutes=int(minutes))]


def queue_due(uow: UnitOfWork) -> list[int]:
    """Queue a pull of every due mirror, as its owner (the system's periodic job)."""
    queued = []
    for repo_id, owner_id in due(uow):
        tasks.submit(uow, TASK, {"repo_id": repo_id}, repo_id=repo_id, user_id=owner_id)
        queued.append(repo_id)
    return queued
