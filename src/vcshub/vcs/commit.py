"""The backend-independent commit: the abstract Commit, the FileChange record and the
EMPTY_COMMIT placeholder of an empty repository (re-exported by :mod:`.base`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from .errors import VCSError
from .nodes import Node

EMPTY_ID = "0" * 40
SHORT_ID_LEN = 12

# Order in which Commit.changes() lists operations.
CHANGE_ORDER = {"A": 0, "M": 1, "D": 2}


@dataclass
class FileChange:
    """One file touched by a commit relative to its first parent.

    Without ``with_diff`` the line counts are 0, ``binary`` is only what is
    known cheaply and ``raw_diff`` is None.
    """

    path: str
    op: str  # "A", "M" or "D"
    old_id: str | None
    new_id: str | None
    added_lines: int = 0
    deleted_lines: int = 0
    binary: bool = False
    raw_diff: str | None = None


def sort_changes(changes: list[FileChange]) -> list[FileChange]:
    """Order changes as added, modified, deleted; by path within each."""
    return sorted(changes, key=lambda c: (CHANGE_ORDER[c.op], c.path))


class Commit(ABC):
    """A changeset. Identity fields are cheap; everything else is lazy so
    that listing history only pays for what is displayed."""

    repository: "Repository | None" = None

    @property
    @abstractmethod
    def raw_id(self) -> str:
        """Full 40-char hex id."""

    @property
    def short_id(self) -> str:
        """First 12 hex chars of the id."""
        return self.raw_id[:SHORT_ID_LEN]

    @property
    @abstractmethod
    def index(self) -> int:
        """0-based position in the repository history (-1 if none)."""

    @property
    @abstractmethod
    def author(self) -> str:
        """"Name <email>"."""

    @property
    @abstractmethod
    def date(self) -> datetime:
        """Commit date as a naive local datetime."""

    @property
    @abstractmethod
    def message(self) -> str:
        """Full commit message."""

    @property
    @abstractmethod
    def parents(self) -> list[str]:
        """raw_ids of the parents, first parent first."""

    @property
    @abstractmethod
    def branch(self) -> str | None:
        """Branch of the commit (git: best effort, may be None)."""

    @property
    @abstractmethod
    def tags(self) -> list[str]:
        """Tag names pointing at this commit."""

    @property
    @abstractmethod
    def bookmarks(self) -> list[str]:
        """Bookmark names pointing at this commit (git: always empty)."""

    @property
    def branches_containing(self) -> list[str]:
        """Branches whose head is this commit or a descendant of it.

        May be expensive on big histories; backends override it.
        """
        return [self.branch] if self.branch else []

    @property
    def summary(self) -> str:
        """First line of the message."""
        return self.message.strip().split("\n", 1)[0]

    @property
    def is_merge(self) -> bool:
        """True when the commit has more than one parent."""
        return len(self.parents) > 1

    @abstractmethod
    def changes(self, with_diff: bool = False) -> list[FileChange]:
        """Files changed relative to the first parent, ordered A, M, D."""

    def get_node(self, path: str) -> Node:
        """Shortcut for ``repository.get_node(self.raw_id, path)``."""
        return self._repo().get_node(self.raw_id, path)

    def get_nodes(self, path: str = "", recursive: bool = True) -> list[Node]:
        """Shortcut for ``repository.get_nodes(self.raw_id, ...)``."""
        return self._repo().get_nodes(self.raw_id, path, recursive)

    def diff(self, path: str | None = None) -> str:
        """Unified diff against the first parent (root: against nothing)."""
        parent = self.parents[0] if self.parents else None
        return self._repo().diff(parent, self.raw_id, path)

    @abstractmethod
    def patch(self) -> str:
        """The commit as a patch its backend's own tool applies: ``git format-patch`` mail
        (``git am``) or ``hg export`` text (``hg import``)."""

    def _repo(self) -> "Repository":
        if self.repository is None:
            raise VCSError("commit is not attached to a repository")
        return self.repository

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Commit) and other.raw_id == self.raw_id

    def __hash__(self) -> int:
        return hash(self.raw_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.index}:{self.short_id}>"


class EmptyCommit(Commit):
    """Placeholder for "no commit yet" (empty repositories, root parents)."""

    raw_id = EMPTY_ID
    index = -1
    author = ""
    message = ""
    branch = None

    def __init__(self, branch: str | None = None) -> None:
        self.branch = branch

    @cached_property
    def date(self) -> datetime:
        return datetime.fromtimestamp(0)

    @property
    def parents(self) -> list[str]:
        return []

    @property
    def tags(self) -> list[str]:
        return []

    @property
    def bookmarks(self) -> list[str]:
        return []

    def changes(self, with_diff: bool = False) -> list[FileChange]:
        return []

    def patch(self) -> str:
        return ""


EMPTY_COMMIT = EmptyCommit()
