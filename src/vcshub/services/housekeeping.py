"""Repository housekeeping (repack with a bitmap, commit-graph, hg caches: see
:meth:`vcshub.vcs.Repository.housekeep`): never two at once on one repository, whoever asks.

A lock file in the repository, taken with ``flock``, is the one rule every thread and every
worker process honours: the automatic run after pushes (:mod:`vcshub.transport.housekeeper`)
skips a repository another run holds, the ``maintenance`` API method and ``vcshub maintenance``
wait for it. Housekeeping never holds a database transaction: it reads the repository's row,
ends the transaction, then works on disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import access, repo_disk
from vcshub.services.errors import StorageError
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

LOCK_NAME = "vcshub-housekeeping.lock"
PUSH_LOCK_NAME = "vcshub-push.lock"


def _lock_file(folder: Path, kind: str, name: str = LOCK_NAME) -> Path:
    # inside the repository's own folder, where git and hg never look (a bare git repository
    # is its folder; hg keeps its files under .hg)
    return folder / ".hg" / name if kind == "hg" else folder / name


def _kind(folder: Path) -> str:
    return "hg" if (folder / ".hg").is_dir() else "git"


@contextlib.contextmanager
def push_in_progress(folder: Path) -> Iterator[None]:
    """Mark a push to the repository at ``folder`` as running, for every process: a shared
    ``flock`` on its push lock file, held until the push ends (or its process dies: the kernel
    drops it). Pushes never wait for each other on it, nor for housekeeping: :func:`push_running`
    only probes it."""
    fd = os.open(_lock_file(folder, _kind(folder), PUSH_LOCK_NAME), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def push_running(folder: Path) -> bool:
    """Whether some process is pushing to the repository at ``folder`` right now (automatic
    housekeeping starts only when none is: git and hg let a push go on during a repack, but
    a repack that starts mid-push would pack objects the push may still reference as loose)."""
    try:
        fd = os.open(_lock_file(folder, _kind(folder), PUSH_LOCK_NAME), os.O_CREAT | os.O_RDWR, 0o644)
    except FileNotFoundError:
        return False  # deleted meanwhile: housekeep_folder says so
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@contextlib.contextmanager
def exclusive(folder: Path, kind: str, wait: bool) -> Iterator[bool]:
    """Hold the repository's housekeeping lock; yields False (and holds nothing) when another
    run has it and ``wait`` is false."""
    fd = os.open(_lock_file(folder, kind), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def housekeep_folder(folder: Path, kind: str, *, full: bool = False,
                     wait: bool = False) -> list[str] | None:
    """Housekeeping of the repository at ``folder``: the actions taken, or None when another
    run holds it (only when not ``wait``).

    It takes no caller: it changes how the repository is stored, never what it holds, and only
    the system asks for it here (after a push that was admitted, or from the console, the
    machine's operator). People ask through :func:`maintenance`, which checks them."""
    try:
        with exclusive(folder, kind, wait) as held:
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
    return name, housekeep_folder(folder, kind, full=True, wait=True) or []


def every_repository(uow: UnitOfWork, caller: Caller) -> list[tuple[str, Path, str]]:
    """(name, folder, kind) of every repository, for the console's ``--all`` (super-admin)."""
    require_admin(caller)
    rows = uow.db.execute(select(Repository).order_by(Repository.repo_name)).scalars().all()
    return [(r.repo_name, repo_disk.path(uow, r), r.repo_type) for r in rows]
