"""The plain records the read service returns: read while the repository is open, nothing lazy
reaches the adapters. Dates are aware."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vcshub import vcs

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
    branch: str | None = None  # the ``?branch=`` filter it was read with


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




def in_utc(date: dt.datetime) -> dt.datetime:
    return date.astimezone(dt.UTC)  # vcs dates are naive local time


class _NamedByCommit:
    """A record about one commit, named by its full id: ``short_id`` is what pages show."""

    commit_id: str

    @property
    def short_id(self) -> str:
        return self.commit_id[:12]


@dataclass(frozen=True)
class RefRecord(_NamedByCommit):
    """A branch, tag or bookmark and its commit; ``date`` is aware, in UTC."""

    name: str
    commit_id: str
    author: str
    date: dt.datetime
    summary: str

    @classmethod
    def of(cls, ref: vcs.RefCommit) -> RefRecord:
        return cls(ref.name, ref.commit_id, ref.author, in_utc(ref.date), ref.summary)


@dataclass(frozen=True)
class Refs:
    """Each kind by name; ``bookmarks`` is empty for git."""

    branches: list[RefRecord]
    tags: list[RefRecord]
    bookmarks: list[RefRecord]


@dataclass(frozen=True)
class FileRevisionRecord(_NamedByCommit):
    """A commit that changed the file, and the file's path in it (older before a rename)."""

    commit_id: str
    path: str
    author: str
    date: dt.datetime
    summary: str


@dataclass(frozen=True)
class FileHistory:
    """One page of a file's history, newest first, as seen from ``commit``."""

    commit: CommitRecord
    path: str
    revisions: list[FileRevisionRecord]
    page: int
    has_next: bool


@dataclass(frozen=True)
class AnnotatedLine(_NamedByCommit):
    line: int  # from 1
    commit_id: str
    author: str
    date: dt.datetime
    text: str


@dataclass(frozen=True)
class Annotation:
    """A file at ``commit``, each line with the commit that last changed it."""

    commit: CommitRecord
    path: str
    lines: list[AnnotatedLine]


@dataclass(frozen=True)
class DiffFile(vcs.PathAndMode):
    """One file of a diff as a renderer draws it. ``hunks`` is None when the file was left out
    of the page's size budget (the raw diff has it); binaries and pure mode changes have none."""

    old_path: str | None  # None: added
    new_path: str | None  # None: deleted
    operation: str  # "added", "modified", "deleted", "renamed" or "copied"
    binary: bool
    old_mode: str | None
    new_mode: str | None
    similarity: int | None  # percent, for renames and copies
    added_lines: int
    deleted_lines: int
    hunks: tuple[vcs.Hunk, ...] | None


@dataclass(frozen=True)
class CommitDiff:
    """A commit and its structured diff against its first parent."""

    commit: CommitRecord
    files: list[DiffFile]

    @property
    def omitted(self) -> int:
        """How many file diffs were left out for size."""
        return sum(1 for f in self.files if f.hunks is None)


@dataclass(frozen=True)
class Comparison:
    """What ``head`` has that ``base`` has not: the commits (oldest first) and the diff from
    their common ancestor (None: unrelated histories, the diff then adds everything)."""

    base: CommitRecord
    head: CommitRecord
    ancestor: str | None
    commits: list[CommitRecord]
    files: list[DiffFile]
