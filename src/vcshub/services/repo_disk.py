"""A repository's folder on disk and its cached summary (last changeset, size)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from vcshub import vcs
from vcshub.config import Settings
from vcshub.db.models import Repository
from vcshub.serializers.commits import commit_summary
from vcshub.services import storage
from vcshub.services.errors import AlreadyExists, StorageError
from vcshub.services.unit_of_work import UnitOfWork

# Clones are made here, under the storage root (same file system: they move into place with a
# rename) in a folder no repository name can take (names never start with a dot) and that
# rescan skips.
STAGING_DIR = ".vcshub-clones"


def path(uow: UnitOfWork, repo: Repository) -> Path:
    return storage.path_of(uow, repo.repo_name)


def open_vcs(uow: UnitOfWork, repo: Repository) -> vcs.Repository:
    """Open the repository on disk (a fresh object: Mercurial's are not thread-safe)."""
    if repo.repo_state != "repo_state_created":  # a task fills it (services/repo_population.py)
        raise StorageError(f"repository `{repo.repo_name}` is not created yet"
                           if repo.repo_state == "repo_state_pending" else
                           f"repository `{repo.repo_name}` could not be created")
    try:
        return vcs.open_repository(path(uow, repo), repo.repo_type)
    except vcs.VCSError as exc:
        raise StorageError(f"repository `{repo.repo_name}` is missing on disk: {exc}") from exc


def create_on_disk(
    uow: UnitOfWork, name: str, kind: str, staged: Path | None = None
) -> vcs.Repository:
    """Create the repository folder, or move the ``staged`` clone (:func:`staged_clone`) there;
    the unit of work removes it if it fails later.

    Two requests may create the same repository at once (PostgreSQL lets both pass the name
    check): the folder is claimed first, the loser answers "already exists", and each clean-up
    removes only the folder its own request made.
    """
    try:
        target, claimed = storage.claim_dir(uow, name)
    except StorageError:
        raise AlreadyExists("repository", name) from None
    made = claimed
    try:
        if staged is not None:
            os.rename(staged, target)  # replaces the claimed empty folder
            made = storage.folder_id(target)
            created = vcs.open_repository(target, kind)
        else:
            created = vcs.create_repository(target, kind)
    except (OSError, vcs.VCSError) as exc:
        # Only the folder still ours goes: never one another request made under this name.
        storage.remove_if_same(target, made)
        raise StorageError(f"cannot create `{name}` on disk: {exc}") from exc
    made = storage.folder_id(target)
    uow.on_rollback(lambda: storage.remove_if_same(target, made))
    return created


@contextlib.contextmanager
def staged_clone(
    settings: Settings, source: str, kind: str, limits: vcs.TransferLimits
) -> Iterator[Path]:
    """Clone ``source`` into a scratch folder under the storage root, touching no database:
    the slow part of creating a repository from a remote. The folder is removed on exit
    unless :func:`create_on_disk` moved the clone into place."""
    base = settings.repos_dir.resolve() / STAGING_DIR
    base.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="clone-", dir=base))
    try:
        try:
            vcs.clone_repository(source, scratch / "repo", kind, limits)
        except vcs.VCSError as exc:
            raise StorageError(str(exc)) from exc
        yield scratch / "repo"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def refresh_summary(uow: UnitOfWork, repo: Repository) -> None:
    """Store the tip commit and the folder size, shown by get_repo without touching disk."""
    try:
        backend = open_vcs(uow, repo)
        tip = vcs.EMPTY_COMMIT if backend.is_empty() else backend.get_commit()
        repo.changeset_cache = commit_summary(tip)
        repo.size_bytes = backend.size_bytes()
    except (vcs.VCSError, StorageError):
        repo.changeset_cache = None
    uow.db.flush()
