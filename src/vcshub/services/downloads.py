"""What the raw views serve: a commit's diff and patch, a file at a revision, feed entries.

Every function takes a repository the caller may read (:func:`readable_repo`); unknown
revisions and paths raise the VCS layer's ``CommitNotFound`` / ``NodeNotFound``. Archives are
in :mod:`vcshub.services.archives`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from vcshub import vcs
from vcshub.db.models import Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, repo_disk, vcs_access
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork

FEED_ITEMS = 20
FEED_FILES = 50  # changed files listed per feed entry


def first_existing(uow: UnitOfWork, names: Sequence[str]) -> int:
    """Index of the first name that is a repository (0 when none is).

    A URL like ``/a/raw/b/raw/tip/f`` can be read two ways when a group is named like a view;
    the existing repository decides.
    """
    for index, name in enumerate(names):
        if vcs_access.find_repository(uow, name) is not None:
            return index
    return 0


def readable_repo(uow: UnitOfWork, user: User | None, name: str) -> Repository:
    """The repository if ``user`` (None: anonymous) may read it; NotFound otherwise.

    Missing and forbidden look the same, so private repositories are never revealed.
    """
    subject = user or vcs_access.anonymous_user(uow)
    repo = vcs_access.find_repository(uow, name)
    if repo is None or subject is None:
        raise NotFound("repository", name)
    if not access.can_repo(Caller(uow.db, subject), repo, "repository.read"):
        raise NotFound("repository", name)
    return repo


def _commit(uow: UnitOfWork, repo: Repository, rev: str) -> vcs.Commit:
    # The backends refuse empty and option-like revisions themselves.
    return repo_disk.open_vcs(uow, repo).get_commit(rev)


def commit_diff(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """The git-style diff of a commit against its first parent."""
    commit = _commit(uow, repo, rev)
    return commit, commit.diff()


def commit_patch(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """``git format-patch`` (git) or ``hg export`` (hg) text of a commit."""
    commit = _commit(uow, repo, rev)
    return commit, commit.patch()


@dataclass(frozen=True)
class RawFile:
    path: str
    content: bytes
    mimetype: str
    is_binary: bool
    is_symlink: bool
    commit_id: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def raw_file(uow: UnitOfWork, repo: Repository, rev: str, path: str) -> RawFile:
    """A file's bytes at a revision; a directory is not a file (NodeNotFound)."""
    commit = _commit(uow, repo, rev)
    node = commit.get_node(vcs.normalize_path(path))
    if not node.is_file:
        raise vcs.NodeNotFound(f"{path!r} is a directory")
    return RawFile(
        path=node.path,
        content=node.content,
        mimetype=node.mimetype,
        is_binary=node.is_binary,
        is_symlink=node.is_symlink,
        commit_id=commit.raw_id,
    )


@dataclass(frozen=True)
class FeedEntry:
    raw_id: str
    short_id: str
    author: str
    date: dt.datetime  # aware
    message: str
    summary: str
    branch: str | None
    changes: list[tuple[str, str]]  # (op, path), at most FEED_FILES
    more_changes: int  # how many were left out


@dataclass(frozen=True)
class Feed:
    repo_name: str
    description: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def updated(self) -> dt.datetime:
        if self.entries:
            return max(e.date for e in self.entries)
        return dt.datetime.now().astimezone()


def feed(uow: UnitOfWork, repo: Repository, limit: int = FEED_ITEMS) -> Feed:
    """The latest ``limit`` commits, newest first."""
    backend = repo_disk.open_vcs(uow, repo)
    count = backend.commit_count()
    commits = backend.commits(start=max(count - limit, 0), limit=limit) if count else []
    entries = []
    for commit in reversed(commits):
        changes = [(c.op, c.path) for c in commit.changes(with_diff=False)]
        entries.append(
            FeedEntry(
                raw_id=commit.raw_id,
                short_id=commit.short_id,
                author=commit.author,
                date=commit.date.astimezone(),  # vcs dates are naive local time
                message=commit.message,
                summary=commit.summary,
                branch=commit.branch,
                changes=changes[:FEED_FILES],
                more_changes=max(len(changes) - FEED_FILES, 0),
            )
        )
    return Feed(repo_name=repo.repo_name, description=repo.description or "", entries=entries)
