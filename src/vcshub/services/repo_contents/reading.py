"""Which repository a caller may read, and which commit a revision names: the one resolver.

Every reader of a repository at a revision (the API's changesets and nodes, the browser's
pages, raw files, diffs, patches, feeds, archives) comes through here, so a private
repository looks missing the same way everywhere (visibility is decided by
:func:`vcshub.services.access.can_repo`) and ``tip``, ``branch``, a short id or an index mean
the same thing on every page.
"""

from __future__ import annotations

from collections.abc import Sequence

from vcshub import vcs
from vcshub.db.models import Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, repo_disk, vcs_access
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork

READ = "repository.read"


def open_readable(uow: UnitOfWork, caller: Caller, repoid: object) -> tuple[Repository, vcs.Repository]:
    """The repository (by id or name) and its backend, if ``caller`` may read it (the API's
    ``repository `<id>` does not exist`` otherwise)."""
    repo = access.repo(uow, caller, repoid, READ)
    return repo, repo_disk.open_vcs(uow, repo)


def readable_repo(uow: UnitOfWork, user: User | None, name: str) -> Repository:
    """The repository named ``name`` if ``user`` (None: anonymous) may read it; NotFound
    otherwise. Missing and forbidden look the same, so private repositories are never revealed.
    """
    subject = user or vcs_access.anonymous_user(uow)
    repo = vcs_access.find_repository(uow, name)
    if repo is None or subject is None:
        raise NotFound("repository", name)
    if not access.can_repo(Caller(uow.db, subject), repo, READ):
        raise NotFound("repository", name)
    return repo


def first_existing(uow: UnitOfWork, names: Sequence[str]) -> int:
    """Index of the first name that is a repository (0 when none is).

    A URL like ``/a/raw/b/raw/tip/f`` can be read two ways when a group is named like a view;
    the existing repository decides.
    """
    for index, name in enumerate(names):
        if vcs_access.find_repository(uow, name) is not None:
            return index
    return 0


def backend(uow: UnitOfWork, repo: Repository) -> vcs.Repository:
    """The repository's VCS object (one per request: Mercurial's are not thread-safe)."""
    return repo_disk.open_vcs(uow, repo)


def commit_at(repository: vcs.Repository, rev: str | int | None) -> vcs.Commit:
    """The commit ``rev`` names: id, short id, index, ``tip``, branch, tag or bookmark.
    CommitNotFound otherwise (the backends refuse empty and option-like revisions)."""
    return repository.get_commit(rev)


def commit_or_empty(repository: vcs.Repository, rev: str) -> vcs.Commit:
    """Like :func:`commit_at`, but an unknown revision (or an empty repository) reads as the
    empty commit: what the API's ``get_repo_changeset`` answers."""
    try:
        return vcs.EMPTY_COMMIT if repository.is_empty() else commit_at(repository, rev)
    except vcs.CommitNotFound:
        return vcs.EMPTY_COMMIT
