"""Repositories filled by a background task: created from a remote (create_repo with a
``clone_uri``) or forked from a big source (fork_repo, past ``fork_in_background_bytes``).

The request makes the row at once, *pending* (``repo_state_pending``) with an empty folder
(the name's claim, as for any creation), and queues the task ``repo.populate``; the API answers with the task's id. The task clones into
a scratch folder with no transaction open, then moves the clone into place and marks the row
created in one unit of work. A failure marks the row ``repo_state_error`` with the reason
(get_repo and the summary page show it, the journal has an entry) and leaves nothing on disk;
the owner deletes it or creates it again. A pending repository refuses clients
(transport/admission.py) and its pages say it is being created.

The folder of a pending repository is only its task's: an attempt removes what is there (the
claim, or the clone of an attempt killed between its move and its commit) before moving its
own clone in.
"""

from __future__ import annotations

import functools
import shutil

from vcshub.db.models import JournalEntry, Repository
from vcshub.permissions.caller import Caller
from vcshub.services import access, remote_policy, repo_disk, tasks
from vcshub.services.errors import StorageError
from vcshub.services.search import notices as search_notices
from vcshub.services.unit_of_work import UnitOfWork

PENDING, CREATED, ERROR = "repo_state_pending", "repo_state_created", "repo_state_error"
TASK = "repo.populate"


def queue(uow: UnitOfWork, caller: Caller, repo: Repository) -> str:
    """Mark a freshly added row pending and queue its population; the task's id."""
    repo.repo_state = PENDING
    uow.db.flush()
    return tasks.submit(uow, TASK, {"repo_id": repo.repo_id}, repo_id=repo.repo_id,
                        user_id=caller.user_id).task_id


def task_of(uow: UnitOfWork, repo: Repository) -> str | None:
    """The id of the task filling a pending repository (the API's ``task``), else None."""
    if repo.repo_state != PENDING:
        return None
    task = tasks.latest_for_repo(uow, repo.repo_id)
    return task.task_id if task is not None else None


def populate(uow: UnitOfWork, caller: Caller, repo_id: int) -> str:
    """The task's body: clone the pending repository's source into place. Commits twice (the
    clone runs between the two, holding no transaction); says what it did."""
    repo = uow.db.get(Repository, repo_id)
    if repo is None or repo.repo_state != PENDING:
        return "nothing to do: the repository is gone or no longer pending"
    access.require_repo(caller, repo, "repository.admin")  # still the caller's to fill
    settings, kind = uow.settings, repo.repo_type
    if repo.fork_id is not None:
        source_repo = repo.fork_of
        access.require_repo(caller, source_repo, "repository.read")
        source = str(repo_disk.path(uow, source_repo))
        clearance = functools.partial(remote_policy.limits, settings)  # our own disk
    elif repo.clone_uri:
        source = repo.clone_uri
        clearance = functools.partial(remote_policy.cleared_limits, caller, settings, source)
    else:
        raise StorageError(f"`{repo.repo_name}` has nothing to be created from")
    leftover = repo_disk.path(uow, repo)
    if leftover.exists():  # the claim, or an attempt's killed before its commit
        shutil.rmtree(leftover)
    uow.commit()
    with repo_disk.staged_clone(settings, source, kind, clearance()) as staged:
        repo = uow.db.get(Repository, repo_id, populate_existing=True)
        if repo is None or repo.repo_state != PENDING:  # deleted while it cloned
            return "nothing to do: the repository was deleted while it was cloned"
        repo_disk.create_on_disk(uow, repo.repo_name, kind, staged)
        repo.repo_state, repo.repo_state_message = CREATED, None
        repo_disk.refresh_summary(uow, repo)
        _journal(uow, caller, repo, "repo_created")
        search_notices.repository_changed(uow, repo.repo_id)
        uow.commit()
    return f"created `{repo.repo_name}`"


def failed(uow: UnitOfWork, caller: Caller, repo_id: int, reason: str) -> None:
    """The task gave up: the row says why, the journal too; the disk holds nothing of it."""
    repo = uow.db.get(Repository, repo_id)
    if repo is None or repo.repo_state != PENDING:
        return
    leftover = repo_disk.path(uow, repo)
    if leftover.exists():
        shutil.rmtree(leftover)
    repo.repo_state, repo.repo_state_message = ERROR, reason
    _journal(uow, caller, repo, "repo_creation_failed")
    uow.db.flush()


def refuses_clients(repo: Repository) -> str | None:
    """Why git/hg clients may not use it yet, or None."""
    if repo.repo_state == PENDING:
        return f"repository `{repo.repo_name}` is being created"
    if repo.repo_state == ERROR:
        return f"repository `{repo.repo_name}` could not be created: {repo.repo_state_message}"
    return None


def _journal(uow: UnitOfWork, caller: Caller, repo: Repository, action: str) -> None:
    user = getattr(caller, "user", None)
    uow.db.add(JournalEntry(
        user_id=user.user_id if user is not None else None,
        username=user.username if user is not None else "",
        repo_id=repo.repo_id, repo_name=repo.repo_name, action=action, refs=[], commit_ids=[]))
