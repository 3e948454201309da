"""What the browser reads beyond trees and single commits: refs with their last commit, a
file's history across renames, blame, and the commits between two revisions.

:class:`HistoryReader` is part of :class:`~vcshub.vcs.base.Repository`; each backend answers
with its own tool (git: libgit2 and the ``git`` binary, whose commit-graph makes path-limited
walks cheap; hg: filelogs, which know a file's revisions and copies without walking the
changelog).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from .errors import CommitNotFound

REF_KINDS = ("branch", "tag", "bookmark")


@dataclass(frozen=True)
class RefCommit:
    """A branch, tag or bookmark and the commit it names; ``date`` naive local like
    :attr:`Commit.date`."""

    kind: str  # one of REF_KINDS
    name: str
    commit_id: str
    date: datetime
    author: str
    summary: str


@dataclass(frozen=True)
class FileRevision:
    """A commit that changed a file, with the file's path in that commit (it differs from the
    asked path before a rename)."""

    commit_id: str
    path: str
    date: datetime
    author: str
    summary: str


@dataclass(frozen=True)
class BlameLine:
    """One line of a file and the commit that last changed it; ``line`` counts from 1."""

    line: int
    commit_id: str
    author: str
    date: datetime
    text: str


class HistoryReader(ABC):
    """Mixed into :class:`~vcshub.vcs.base.Repository`."""

    def ref_commits(self) -> list[RefCommit]:
        """Every branch, tag and bookmark with its commit, by kind then name. One commit
        lookup per ref: no history walk."""
        found = []
        for kind, refs in (("branch", self.branches()), ("tag", self.tags()),
                           ("bookmark", self.bookmarks())):
            for name in sorted(refs):
                try:
                    commit = self.get_commit(refs[name])
                except CommitNotFound:
                    continue  # a ref to something that is not a commit (git tag of a tree)
                found.append(RefCommit(kind, name, commit.raw_id, commit.date, commit.author,
                                       commit.summary))
        return found

    @abstractmethod
    def file_history(self, rev: str | int | None, path: str, skip: int = 0,
                     limit: int = 50) -> tuple[list[FileRevision], bool]:
        """The commits that changed the file ``path`` as seen from ``rev``, newest first,
        following renames (git, like ``git log --follow``) or copies and renames (hg, through
        the filelog): ``limit`` of them after the newest ``skip``, and True when more remain.
        NodeNotFound when ``path`` is not a file at ``rev``."""

    @abstractmethod
    def annotate(self, rev: str | int | None, path: str) -> list[BlameLine]:
        """Each line of the file ``path`` at ``rev`` with the commit that last changed it,
        across renames. NodeNotFound when ``path`` is not a file at ``rev``."""

    @abstractmethod
    def last_changes(self, rev: str | int | None, path: str, names: Collection[str],
                     budget: float) -> tuple[dict[str, str], bool]:
        """The newest commit (an ancestor of ``rev``, or itself) that changed each entry
        ``names`` of the directory ``path``: name → commit id, and True when every name was
        found. One walk of the history, stopped when all are found or after ``budget``
        seconds (entries not found by then are left out)."""
