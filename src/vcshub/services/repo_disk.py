"""A repository's folder on disk and its cached summary (last changeset, size)."""

from __future__ import annotations

from pathlib import Path

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.serializers.commits import commit_summary
from vcshub.services import storage
from vcshub.services.errors import AlreadyExists, StorageError
from vcshub.services.unit_of_work import UnitOfWork


def load_backends() -> None:
    """Load the VCS backends once, before serving requests from several threads."""
    vcs.load_backends()


def path(uow: UnitOfWork, repo: Repository) -> Path:
    return storage.path_of(uow, repo.repo_name)


def open_vcs(uow: UnitOfWork, repo: Repository) -> vcs.Repository:
    """Open the repository on disk (a fresh object: Mercurial's are not thread-safe)."""
    try:
        return vcs.open_repository(path(uow, repo), repo.repo_type)
    except vcs.VCSError as exc:
        raise StorageError(f"repository `{repo.repo_name}` is missing on disk: {exc}") from exc


def create_on_disk(
    uow: UnitOfWork, name: str, kind: str, clone_from: str | None = None
) -> vcs.Repository:
    """Create (or clone) the repository folder; the unit of work removes it if it fails later.

    Two requests may create the same repository at once (PostgreSQL lets both pass the name
    check): the folder is claimed first, the loser answers "already exists", and each clean-up
    removes only the folder its own request made.
    """
    try:
        target, claimed = storage.claim_dir(uow, name)
    except StorageError:
        raise AlreadyExists("repository", name) from None
    try:
        created = (
            vcs.clone_repository(clone_from, target, kind)
            if clone_from
            else vcs.create_repository(target, kind)
        )
    except vcs.VCSError as exc:
        # A failed clone has removed the claimed folder itself, and another request may have
        # claimed the name since: only the folder still ours goes.
        storage.remove_if_same(target, claimed)
        raise StorageError(str(exc)) from exc
    made = storage.folder_id(target)  # a clone moves its own folder into place
    uow.on_rollback(lambda: storage.remove_if_same(target, made))
    return created


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
