"""Backend-independent interface: the abstract Repository (the commit's side is in
:mod:`.commit`, re-exported here)."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from . import tree_archive
from .commit import (  # noqa: F401 - re-exported: the interface's one import
    CHANGE_ORDER,
    EMPTY_COMMIT,
    EMPTY_ID,
    SHORT_ID_LEN,
    Commit,
    EmptyCommit,
    FileChange,
    sort_changes,
)
from .errors import CommitNotFound, VCSError
from .merges import MergeResult
from .remote_transfer import TransferLimits
from .history import HistoryReader
from .nodes import Node

# Archive formats of Repository.archive: zip, gzip-compressed tar, bzip2-compressed tar.
ARCHIVE_FORMATS = ("zip", "tgz", "tbz2")
ARCHIVE_CHUNK = 1024 * 1024


def option_like(rev: object) -> bool:
    """True for a revision that a command-line tool would read as an option (``-x``,
    ``--output=f``): the backends refuse these before any lookup, whatever reaches them."""
    return isinstance(rev, str) and rev.strip().startswith("-")




class Repository(HistoryReader, ABC):
    """A repository on local disk. See the backends for details (and :mod:`.history`)."""

    kind: str = ""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}>"

    @abstractmethod
    def is_empty(self) -> bool:
        """True when the repository has no commit."""

    @abstractmethod
    def branches(self) -> dict[str, str]:
        """Branch name -> raw_id of its head."""

    @abstractmethod
    def tags(self) -> dict[str, str]:
        """Tag name -> raw_id of the tagged commit."""

    @abstractmethod
    def bookmarks(self) -> dict[str, str]:
        """Bookmark name -> raw_id (git: always empty)."""

    @abstractmethod
    def ref_heads(self) -> dict[str, str]:
        """Every named ref by its full name -> the id it holds, unpeeled (an annotated git tag
        gives the tag object's id): what a client sees advertised. git: every ref under
        ``refs/``; hg: ``refs/branches/<name>`` (the branch's tip), ``refs/bookmarks/<name>``,
        ``refs/tags/<name>``."""

    @property
    @abstractmethod
    def default_branch(self) -> str:
        """Name of the main branch: what a plain clone checks out (git: HEAD's branch;
        hg: "default" unless another was set)."""

    @abstractmethod
    def set_default_branch(self, name: str) -> None:
        """Make ``name`` the default branch (it need not exist yet)."""

    def adopt_pushed_default(self, pushed: Sequence[str]) -> tuple[str, str] | None:
        """After a push that brought the branches ``pushed``: if the default branch names a
        branch that does not exist, make a pushed one the default and return (old name, new
        name); else None. Without an override nothing is adopted (see the backends)."""
        return None

    @property
    @abstractmethod
    def description(self) -> str | None:
        """The description the repository carries itself (git: the ``description`` file,
        hg: ``[web] description`` of its hgrc, what gitweb/hgweb show); None when it has none
        or only git's placeholder."""

    def archive(self, rev: str | int | None, fmt: str, prefix: str) -> Iterator[bytes]:
        """The tree at ``rev`` as an archive (``fmt`` one of ARCHIVE_FORMATS), every entry
        under ``prefix/``, in chunks of about ARCHIVE_CHUNK bytes as it is produced.

        The revision is resolved now (CommitNotFound), the archive made while it is read;
        a failure then raises a VCSError. This implementation builds it from the nodes
        (:mod:`tree_archive`); backends with an archiver of their own override it.
        """
        _check_archive_format(fmt)
        commit = self.get_commit(rev)
        return tree_archive.chunks(commit, fmt, prefix, ARCHIVE_CHUNK)

    @abstractmethod
    def housekeep(self, full: bool = False) -> list[str]:
        """Upkeep that keeps clones and reads fast, done only when it is due (git: repack with
        a reachability bitmap when packs pile up, the commit-graph; hg: refresh the caches);
        ``full``: everything, now. Returns the actions taken, as sentences. Safe to call often
        and while others read or push."""

    @abstractmethod
    def get_commit(self, rev: str | int | None = None) -> Commit:
        """Resolve ``rev`` (id, short id, index, "tip", branch, tag,
        bookmark; None means tip). Raises CommitNotFound."""

    def get_commits(self, revs: list[str]) -> list[Commit]:
        """:meth:`get_commit` for many revisions at once (a backend reads its refs once for
        all of them); CommitNotFound for the first that does not resolve."""
        return [self.get_commit(rev) for rev in revs]

    @abstractmethod
    def commits(
        self, start: str | int | None = None, limit: int | None = None
    ) -> list[Commit]:
        """Commits by ascending index from ``start`` (inclusive), at most
        ``limit`` of them (None or -1: all)."""

    @abstractmethod
    def commit_count(self) -> int:
        """Number of commits."""

    @abstractmethod
    def fetch(self, source: str, limits: TransferLimits = ...) -> None:
        """Pull every change from ``source`` (URL or local path) within ``limits``."""

    @abstractmethod
    def strip(self, rev: str, branch: str | None = None) -> None:
        """Remove ``rev`` and its descendants."""

    @abstractmethod
    def strip_preview(self, rev: str, branch: str | None = None) -> list[str]:
        """The commits :meth:`strip` with the same arguments would remove, oldest first (git:
        those that leave ``branch``; they stay where another ref holds them)."""

    @abstractmethod
    def get_nodes(
        self, rev: str | int | None, path: str = "", recursive: bool = True
    ) -> list[Node]:
        """Flat listing of the tree below ``path`` at ``rev``."""

    @abstractmethod
    def get_node(self, rev: str | int | None, path: str) -> Node:
        """The single file or directory at ``path``."""

    @abstractmethod
    def diff(
        self, old_rev: str | int | None, new_rev: str | int | None,
        path: str | None = None, *, renames: bool = False, ignore_whitespace: bool = False,
    ) -> str:
        """Git-style unified diff; ``old_rev`` None diffs against nothing. ``renames``: renamed
        and copied files as such (``rename from``/``copy from`` headers) instead of a deletion
        and an addition; ``ignore_whitespace``: like ``diff -w``."""

    @abstractmethod
    def commit_files(
        self, files: "Mapping[str, bytes | None]", message: str, author: str,
        branch: str | None = None,
    ) -> str:
        """Commit ``files`` (path → content, None deletes) on top of ``branch``
        (default: the default branch) without a working copy; returns the new id."""

    def _invalidate_after_write(self) -> None:
        """Forget cached state after this process wrote to the repository."""

    @abstractmethod
    def new_commits(self, old_heads: list[str], new_heads: list[str]) -> list[str]:
        """Ids of commits reachable from ``new_heads`` but not from ``old_heads``
        (what a push brought), oldest first."""

    def resolve_landing(self, ref_type: str, name: str) -> Commit:
        """Resolve a landing revision such as ("branch", "master"),
        ("tag", "v1"), ("book", "x") or ("rev", "tip")."""
        if ref_type == "rev":
            return self.get_commit(name)
        if ref_type == "branch":
            refs = self.branches()
        elif ref_type == "tag":
            refs = self.tags()
        elif ref_type in ("book", "bookmark"):
            refs = self.bookmarks()
        else:
            raise VCSError(f"unknown landing ref type {ref_type!r}")
        if name not in refs:
            raise CommitNotFound(f"{ref_type} {name!r} not found")
        return self.get_commit(refs[name])

    def size_bytes(self) -> int:
        """Disk usage of the repository folder (apparent file sizes)."""
        total = 0
        for root, _dirs, files in os.walk(self.path):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:
                    # Files vanish under concurrent gc/pushes; skip them.
                    pass
        return total

    # -- merges (self is the target; source_path may be self.path or a fork) --

    @abstractmethod
    def merge(
        self, source_path: Path, source_commit: str, target_branch: str, target_commit: str,
        message: str, author: str, *, dry_run: bool = False,
    ) -> MergeResult:
        """Merge ``source_commit`` of the repository at ``source_path`` into
        ``target_branch``, whose head must be ``target_commit``, by publishing a
        merge computed in a scratch copy (compare-and-swap on the branch). Reports
        every expected outcome as a MergeStatus; never raises for them."""

    @abstractmethod
    def common_ancestor(self, source_path: Path, source_commit: str,
                        target_commit: str) -> str | None:
        """Best common ancestor of a source and a target commit (None: unrelated)."""

    @abstractmethod
    def commits_to_merge(self, source_path: Path, source_commit: str,
                         target_commit: str) -> list[str]:
        """Ids reachable from ``source_commit`` but not from ``target_commit``,
        oldest first."""


def _check_archive_format(fmt: str) -> None:
    if fmt not in ARCHIVE_FORMATS:
        raise VCSError(f"unknown archive format {fmt!r} (expected one of {ARCHIVE_FORMATS})")
