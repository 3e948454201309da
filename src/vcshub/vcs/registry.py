"""Entry points: create, clone, open and detect repositories by kind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import git_remote, hg_remote
from .base import Repository
from .errors import CloneError, RepositoryError, RepositoryNotFound, VCSError
from .remote_transfer import TransferLimits

KINDS = ("git", "hg")


def _backend(kind: str) -> type[Repository]:
    # Imported lazily so that using one backend does not load the other
    # (Mercurial's import alone costs noticeable startup time).
    if kind == "git":
        from .git import GitRepository
        return GitRepository
    if kind == "hg":
        from .hg import HgRepository
        return HgRepository
    raise VCSError(f"unknown repository kind {kind!r} (expected one of {KINDS})")


def load_backends() -> None:
    """Import every backend now. A threaded server calls this once at start-up: Mercurial's
    module initialisation is not safe to run from two threads at the same time."""
    for kind in KINDS:
        _backend(kind)


def detect_kind(path) -> str | None:
    """"git", "hg" or None by looking at the folder layout: a bare git repo
    has HEAD and objects/, a work tree has .git, Mercurial has .hg."""
    p = Path(path)
    if (p / ".hg").is_dir():
        return "hg"
    if (p / ".git").exists():
        return "git"
    if (p / "HEAD").is_file() and (p / "objects").is_dir():
        return "git"
    return None


def open_repository(path: Path, kind: str | None = None) -> Repository:
    """Open an existing repository, autodetecting its kind when None."""
    path = Path(path)
    detected = detect_kind(path)
    if detected is None or (kind is not None and detected != kind):
        what = f"{kind} repository" if kind else "repository"
        raise RepositoryNotFound(f"no {what} at {path}")
    return _backend(detected)(path)


def _check_target(path: Path) -> None:
    if path.exists():
        if not path.is_dir() or any(path.iterdir()):
            raise RepositoryError(f"{path} already exists and is not empty")


def create_repository(path: Path, kind: str) -> Repository:
    """Create a new repository (git: bare) at ``path``, which must be
    missing or an empty folder."""
    path = Path(path)
    backend = _backend(kind)
    _check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return backend.create(path)


def clone_repository(
    source: str, path: Path, kind: str, limits: TransferLimits | None = None
) -> Repository:
    """Clone ``source`` (URL or local path) into ``path`` with every ref
    (git: mirror clone; hg: no checkout).

    The clone is made in a temporary sibling folder and renamed into place
    only on success, so a failure never leaves a partial repository at
    ``path``. The transfer runs within ``limits`` (:mod:`remote_transfer`).
    Raises :class:`CloneError` on failure.
    """
    limits = limits or TransferLimits()
    path = Path(path)
    backend = _backend(kind)
    _check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.clone-", dir=path.parent))
    target = staging / "repo"
    try:
        if kind == "git":
            git_remote.clone_mirror(str(source), target, limits)
        else:
            hg_remote.clone(str(source), target, limits)
        if path.exists():
            path.rmdir()  # empty, checked above
        os.replace(target, path)
    except CloneError:
        raise
    except (OSError, VCSError) as exc:
        raise CloneError(f"clone of {source} failed: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        return backend(path)
    except VCSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise CloneError(f"clone of {source} produced no usable repository: {exc}") from None
