"""Repository housekeeping (repack with a bitmap, commit-graph, hg caches: see
:meth:`vcshub.vcs.Repository.housekeep`): never two at once on one repository, never beside a
push or a merge, whoever asks.

It holds the repository's mutex exclusively (:mod:`vcshub.coordination`: every thread, worker
process and, with Redis, node honours it): the automatic run after pushes
(:mod:`vcshub.transport.housekeeper`) only tries and comes back later, the ``maintenance`` API
method and ``vcshub maintenance`` wait for it. With a task broker (several nodes) the run after
pushes is a background task instead (:func:`queue_after_push`), so that a long repack runs on
a worker, not on the web node that took the push; the task waits for the mutex. Housekeeping never holds a database
transaction: it reads the repository's row, ends the transaction, then works on disk.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from vcshub import coordination, vcs
from vcshub.db.models import Repository, TaskRun
from vcshub.permissions.caller import Caller
from vcshub.services import access, repo_disk, tasks
from vcshub.services.errors import StorageError
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

# How long maintenance on demand waits for the pushes, the merge or the housekeeping under way.
MAINTENANCE_WAIT = 3600.0


def housekeep_folder(folder: Path, kind: str, shared_state: coordination.Coordination, *,
                     full: bool = False, wait: bool = False) -> list[str] | None:
    """Housekeeping of the repository at ``folder``: the actions taken, or None when a push,
    a merge or another run holds it (at once when not ``wait``, else after MAINTENANCE_WAIT).

    It takes no caller: it changes how the repository is stored, never what it holds, and only
    the system asks for it here (after a push that was admitted, or from the console, the
    machine's operator). People ask through :func:`maintenance`, which checks them."""
    try:
        with shared_state.exclusive(folder, MAINTENANCE_WAIT if wait else 0) as held:
            if not held:
                return None
            return vcs.open_repository(folder, kind).housekeep(full=full)
    except (vcs.VCSError, OSError) as exc:
        raise StorageError(f"housekeeping of {folder.name} failed: {exc}") from exc


def maintenance(uow: UnitOfWork, caller: Caller, repoid: object) -> tuple[str, list[str]]:
    """Everything now, on one repository (its admin, or a super-admin): (name, actions).
    The transaction ends before the disk work starts."""
    repo = access.repo(uow, caller, repoid, "repository.admin")
    name, folder, kind = repo.repo_name, repo_disk.path(uow, repo), repo.repo_type
    uow.commit()
    shared_state = coordination.for_settings(uow.settings)
    return name, housekeep_folder(folder, kind, shared_state, full=True, wait=True) or []


TASK = "repo.housekeep"


def queue_after_push(uow: UnitOfWork, repo_id: int) -> None:
    """Queue the repository's housekeeping as a task, unless one is queued already (pushes in
    a row ask once). The system asks, after a push it admitted."""
    waiting = uow.db.scalar(select(TaskRun.task_id).where(
        TaskRun.name == TASK, TaskRun.repo_id == repo_id, TaskRun.state == "queued").limit(1))
    if waiting is None:
        tasks.submit(uow, TASK, {"repo_id": repo_id}, repo_id=repo_id)


def housekeep_repository(uow: UnitOfWork, repo_id: int) -> list[str]:
    """The task's body: housekeeping by the thresholds (what a push leaves behind), once no
    push or merge holds the repository. The transaction ends before the disk work."""
    repo = uow.db.get(Repository, repo_id)
    if repo is None or repo.repo_state != "repo_state_created":
        return []
    folder, kind = repo_disk.path(uow, repo), repo.repo_type
    uow.commit()
    return housekeep_folder(folder, kind, coordination.for_settings(uow.settings),
                            wait=True) or []


def every_repository(uow: UnitOfWork, caller: Caller) -> list[tuple[str, Path, str]]:
    """(name, folder, kind) of every repository, for the console's ``--all`` (super-admin)."""
    require_admin(caller)
    rows = uow.db.execute(select(Repository).order_by(Repository.repo_name)).scalars().all()
    return [(r.repo_name, repo_disk.path(uow, r), r.repo_type) for r in rows]
