"""The repository storage on disk: paths under the root, and folder changes that can be undone.

Every path is resolved and checked to stay under the storage root. Each change registers its
undo step with the unit of work, so a failed operation leaves the disk as it found it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

from vcshub.services.errors import StorageError
from vcshub.services.unit_of_work import UnitOfWork

DELETED_PREFIX = "rm__"


def root(uow: UnitOfWork) -> Path:
    return uow.settings.repos_dir.resolve()


def path_of(uow: UnitOfWork, name: str) -> Path:
    """The folder of a repository or group ``name`` (``a/b/c``), refusing any escape."""
    base = root(uow)
    path = (base / name).resolve()
    if path == base or base not in path.parents:
        raise StorageError(f"path `{name}` is outside the repository storage")
    return path


def claim_dir(uow: UnitOfWork, name: str) -> tuple[Path, FolderId]:
    """Create the empty folder ``name``, which must not exist yet, and say which folder it is.

    The ``mkdir`` is the arbiter between two requests creating the same name at once (a check
    for existence first would let both through): the loser gets StorageError and never touches
    the folder. Undo and clean-up steps then remove it only while it is still this folder
    (:func:`remove_if_same`), never one that another request made under the same name.
    """
    path = path_of(uow, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir()
    except FileExistsError:
        raise StorageError(f"`{name}` already exists on disk") from None
    return path, folder_id(path)


def make_dir(uow: UnitOfWork, name: str) -> Path:
    """Create a group folder; it must not exist yet."""
    path, made = claim_dir(uow, name)
    uow.on_rollback(lambda: remove_if_same(path, made, whole_tree=False))
    return path


FolderId = tuple[int, int]


def folder_id(path: Path) -> FolderId | None:
    """What tells this folder from another one made later under the same name."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def remove_if_same(path: Path, made: FolderId | None, *, whole_tree: bool = True) -> None:
    """Remove ``path`` if it is still the folder ``made`` (from :func:`folder_id`).

    ``whole_tree=False`` removes it only while empty: something another request put inside
    (a repository in a new group) stays.
    """
    if made is None or folder_id(path) != made:
        return
    if whole_tree:
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.rmdir()


def move(uow: UnitOfWork, old: str, new: str) -> None:
    """Rename a repository or group folder (with everything inside)."""
    source, dest = path_of(uow, old), path_of(uow, new)
    if dest.exists():
        raise StorageError(f"`{new}` already exists on disk")
    if not source.exists():
        return  # nothing on disk to move: the database change alone is consistent
    dest.parent.mkdir(parents=True, exist_ok=True)
    source.rename(dest)
    uow.on_rollback(lambda: dest.rename(source))


def move_aside(uow: UnitOfWork, name: str, label: str, *, to_root: bool = False) -> Path | None:
    """Disable a folder by renaming it ``rm__<timestamp>_<label>`` (recoverable, not erased)."""
    source = path_of(uow, name)
    if not source.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S_%f")
    parent = root(uow) if to_root else source.parent
    dest = parent / f"{DELETED_PREFIX}{stamp}{label}"
    source.rename(dest)
    uow.on_rollback(lambda: dest.rename(source))
    return dest
