"""What the repository browser shows: the repository list, summaries, trees, files, history, commits.

Every function but :func:`repo_list` takes a repository the caller may read
(:func:`vcshub.services.downloads.readable_repo`) and returns plain records, read while the
repository is open: nothing lazy reaches the pages. Unknown revisions and paths raise the VCS
layer's ``CommitNotFound`` / ``NodeNotFound``.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from vcshub import vcs
from vcshub.db.models import Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import repo_disk, repo_listing, vcs_access
from vcshub.services.unit_of_work import UnitOfWork

CHANGELOG_PAGE = 50
SUMMARY_COMMITS = 10
MAX_FILE_BYTES = 1_000_000  # larger files are not shown inline (the raw view serves them)
MAX_DIFF_CHARS = 1_000_000  # a changeset page shows file diffs up to this total size


# -- records -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommitRecord:
    """A commit's displayable facts; ``date`` is aware, in UTC."""

    raw_id: str
    short_id: str
    author: str
    date: dt.datetime
    message: str
    parents: tuple[str, ...]
    branch: str | None
    tags: tuple[str, ...]

    @property
    def summary(self) -> str:
        return self.message.strip().split("\n", 1)[0]

    @classmethod
    def of(cls, commit: vcs.Commit) -> CommitRecord:
        return cls(
            raw_id=commit.raw_id,
            short_id=commit.short_id,
            author=commit.author,
            date=commit.date.astimezone(dt.UTC),  # vcs dates are naive local time
            message=commit.message,
            parents=tuple(commit.parents),
            branch=commit.branch,
            tags=tuple(commit.tags),
        )


@dataclass(frozen=True)
class Entry:
    """One name in a directory listing; ``size`` is 0 for directories."""

    name: str
    path: str
    is_dir: bool
    is_symlink: bool
    size: int


@dataclass(frozen=True)
class Directory:
    commit: CommitRecord
    path: str  # "" for the root
    entries: list[Entry]


@dataclass(frozen=True)
class FileContent:
    """A file at a commit; ``text`` is None for binary or too large files."""

    commit: CommitRecord
    path: str
    size: int
    mimetype: str
    is_binary: bool
    is_symlink: bool
    text: str | None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]



@dataclass(frozen=True)
class Summary:
    """The landing revision's root listing and the newest commits (None/empty: no commit yet)."""

    landing: CommitRecord | None
    entries: list[Entry]
    latest: list[CommitRecord]


@dataclass(frozen=True)
class Changelog:
    """One page of history, newest first; ``start`` is the revision it begins at, if any."""

    commits: list[CommitRecord]
    page: int
    has_next: bool
    start: CommitRecord | None = None


@dataclass(frozen=True)
class ChangedFile:
    """One file of a changeset's diff; ``diff`` is None when over the page's size budget."""

    old_path: str | None
    new_path: str | None
    added_lines: int
    deleted_lines: int
    binary: bool
    diff: str | None

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    @property
    def change(self) -> str:
        if self.old_path is None:
            return "added"
        if self.new_path is None:
            return "deleted"
        return "renamed" if self.old_path != self.new_path else "modified"


@dataclass(frozen=True)
class Changeset:
    commit: CommitRecord
    files: list[ChangedFile] = field(default_factory=list)

    @property
    def omitted(self) -> int:
        """How many file diffs were left out for size."""
        return sum(1 for f in self.files if f.diff is None)


# -- reading -------------------------------------------------------------------------------------
def repo_list(uow: UnitOfWork, user: User | None) -> list[repo_listing.ListedRepo]:
    """The repositories ``user`` (None: anonymous, i.e. the ``default`` user) may read, by name."""
    subject = user or vcs_access.anonymous_user(uow)
    if subject is None:  # anonymous access is disabled
        return []
    listed = repo_listing.list_repos(uow, Caller(uow.db, subject))
    return sorted(listed, key=lambda repo: repo.repo_name.lower())


def commit_at(backend: vcs.Repository, rev: str) -> vcs.Commit:
    """The commit ``rev`` names (the backends refuse empty and option-like revisions)."""
    return backend.get_commit(rev)


def summary(uow: UnitOfWork, repo: Repository) -> Summary:
    """The root of the landing revision (``rev:tip``, ``branch:x``, …; tip when it is gone)."""
    backend = repo_disk.open_vcs(uow, repo)
    if backend.is_empty():
        return Summary(landing=None, entries=[], latest=[])
    ref_type, _sep, name = repo.landing_rev.partition(":")
    try:
        landing = backend.resolve_landing(ref_type, name)
    except vcs.VCSError:
        landing = backend.get_commit()
    entries = _entries(backend.get_nodes(landing.raw_id, "", recursive=False))
    latest, _more = _newest(backend, 0, SUMMARY_COMMITS)
    return Summary(landing=CommitRecord.of(landing), entries=entries, latest=latest)


def browse(uow: UnitOfWork, repo: Repository, rev: str, path: str) -> Directory | FileContent:
    """The directory (its direct entries, directories first) or the file at ``path``."""
    backend = repo_disk.open_vcs(uow, repo)
    commit = commit_at(backend, rev)
    node = commit.get_node(vcs.normalize_path(path))
    record = CommitRecord.of(commit)
    if node.is_dir:
        nodes = backend.get_nodes(commit.raw_id, node.path, recursive=False)
        return Directory(commit=record, path=node.path, entries=_entries(nodes))
    size = node.size
    shown = size <= MAX_FILE_BYTES and not node.is_binary
    return FileContent(
        commit=record,
        path=node.path,
        size=size,
        mimetype=node.mimetype,
        is_binary=node.is_binary,
        is_symlink=node.is_symlink,
        text=node.content.decode("utf-8", "replace") if shown else None,
    )


def changelog(uow: UnitOfWork, repo: Repository, rev: str | None = None, page: int = 1,
              per_page: int = CHANGELOG_PAGE) -> Changelog:
    """Page ``page`` (from 1) of the history, newest first.

    Without ``rev``: every commit of the repository (all branches). With ``rev``: that commit
    and its ancestors only.
    """
    backend = repo_disk.open_vcs(uow, repo)
    skip = (max(page, 1) - 1) * per_page
    if rev is None:
        if backend.is_empty():
            return Changelog(commits=[], page=page, has_next=False)
        commits, more = _newest(backend, skip, per_page)
        return Changelog(commits=commits, page=page, has_next=more)
    start = commit_at(backend, rev)
    commits, more = _ancestors(backend, start, skip, per_page)
    return Changelog(commits=commits, page=page, has_next=more, start=CommitRecord.of(start))


def changeset(uow: UnitOfWork, repo: Repository, rev: str) -> Changeset:
    """A commit and its diff against the first parent, cut per file."""
    commit = commit_at(repo_disk.open_vcs(uow, repo), rev)
    budget = MAX_DIFF_CHARS
    files = []
    for piece in vcs.split_diff(commit.diff()):
        shown = len(piece.text) <= budget
        budget = budget - len(piece.text) if shown else 0  # the rest is left out too
        files.append(ChangedFile(
            old_path=piece.old_path,
            new_path=piece.new_path,
            added_lines=piece.added_lines,
            deleted_lines=piece.deleted_lines,
            binary=piece.binary,
            diff=piece.text if shown else None,
        ))
    return Changeset(commit=CommitRecord.of(commit), files=files)


# -- history walks -------------------------------------------------------------------------------
def _newest(backend: vcs.Repository, skip: int, limit: int) -> tuple[list[CommitRecord], bool]:
    """Commits by descending index after the newest ``skip``; True when older ones remain."""
    end = backend.commit_count() - skip
    if end <= 0:
        return [], False
    first = max(end - limit, 0)
    commits = backend.commits(start=first, limit=end - first)
    return [CommitRecord.of(c) for c in reversed(commits)], first > 0


def _ancestors(backend: vcs.Repository, start: vcs.Commit, skip: int,
               limit: int) -> tuple[list[CommitRecord], bool]:
    """``start`` and its ancestors by descending index (children before parents)."""
    queue = [(-start.index, start.raw_id, start)]
    seen = {start.raw_id}
    found: list[CommitRecord] = []
    walked = 0
    while queue:
        _index, _raw_id, commit = heapq.heappop(queue)
        if walked >= skip:
            if len(found) == limit:
                return found, True
            found.append(CommitRecord.of(commit))
        walked += 1
        for parent_id in commit.parents:
            if parent_id not in seen:
                seen.add(parent_id)
                parent = backend.get_commit(parent_id)
                heapq.heappush(queue, (-parent.index, parent_id, parent))
    return found, False


def _entries(nodes: list[vcs.Node]) -> list[Entry]:
    """Directories first, then files, each by name."""
    ordered = sorted(nodes, key=lambda n: (not n.is_dir, n.name.lower(), n.name))
    return [
        Entry(
            name=n.name,
            path=n.path,
            is_dir=n.is_dir,
            is_symlink=n.is_file and n.is_symlink,
            size=n.size if n.is_file else 0,
        )
        for n in ordered
    ]
