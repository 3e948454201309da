"""Git backend (pygit2), for bare server-side repositories."""

from __future__ import annotations

import bz2
import re
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import pygit2

from . import (git_command, git_handles, git_history, git_index, git_last_changes, git_merge,
               git_remote, git_upkeep, git_write)
from .remote_transfer import TransferLimits
from .base import (ARCHIVE_CHUNK, Commit, Repository, _check_archive_format,
                   option_like)
from .errors import CommitNotFound, RepositoryError, RepositoryNotFound
from .git_commit import GitCommit, get_node, list_nodes, tree_diff
from .merges import MergeResult
from .nodes import Node

_HEX = re.compile(r"[0-9a-fA-F]+")
# Digit-only strings shorter than this are indexes, longer ones hex ids.
_MAX_INDEX_DIGITS = 6
_PREFERRED_DEFAULTS = ("main", "master")
# What `git init` writes into the description file: not a description.
_DESCRIPTION_PLACEHOLDER = "Unnamed repository"
# `git archive` formats; bzip2 is compressed here (git would need a configured filter).
_ARCHIVE_FORMATS = {"zip": "zip", "tgz": "tar.gz", "tbz2": "tar"}


class GitRepository(Repository):
    """A git repository; ``path`` is the bare repo or the work tree."""

    kind = "git"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        try:
            self._git, key = git_handles.POOL.lend(self.path)
        except (pygit2.GitError, KeyError) as exc:
            raise RepositoryNotFound(f"no git repository at {self.path}: {exc}") from None
        # The handle goes back to the pool when this object is garbage: one user at a time.
        weakref.finalize(self, git_handles.POOL.give_back, key, self._git)

    @classmethod
    def create(cls, path: Path) -> "GitRepository":
        """Initialise a new bare repository at ``path``."""
        try:
            pygit2.init_repository(str(path), bare=True)
        except pygit2.GitError as exc:
            raise RepositoryError(f"cannot create git repository: {exc}") from None
        return cls(path)

    # -- refs ---------------------------------------------------------------

    def _snapshot(self) -> git_index.RefSnapshot:
        return git_index.snapshot(self._git)

    def is_empty(self) -> bool:
        """True when no branch or tag points at a commit."""
        return not self._snapshot().tips

    def branches(self) -> dict[str, str]:
        """Branch name -> head commit id."""
        return dict(self._snapshot().heads)

    def tags(self) -> dict[str, str]:
        """Tag name -> tagged commit id (annotated tags peeled)."""
        return dict(self._snapshot().tags)

    def bookmarks(self) -> dict[str, str]:
        """Git has no bookmarks."""
        return {}

    def ref_heads(self) -> dict[str, str]:
        """Every ref under ``refs/`` -> its target (symbolic refs resolved, tags unpeeled),
        like ``git for-each-ref``."""
        result = {}
        for ref in self._git.references.iterator():
            target = ref.target
            if isinstance(target, str):  # symbolic ref, e.g. refs/remotes/origin/HEAD
                try:
                    target = ref.resolve().target
                except (KeyError, pygit2.GitError):
                    continue
            result[ref.name] = str(target)
        return result

    @property
    def description(self) -> str | None:
        """The ``description`` file (gitweb's), unless it is ``git init``'s placeholder."""
        for candidate in (self.path / "description", self.path / ".git" / "description"):
            try:
                text = candidate.read_text(errors="replace").strip()
            except OSError:
                continue
            if text and not text.startswith(_DESCRIPTION_PLACEHOLDER):
                return text
        return None

    def _head_branch(self) -> str | None:
        try:
            target = self._git.references["HEAD"].target
        except (KeyError, pygit2.GitError):
            return None
        if isinstance(target, str) and target.startswith("refs/heads/"):
            return target[len("refs/heads/"):]
        return None

    @property
    def default_branch(self) -> str:
        """HEAD's branch; if HEAD points to a missing branch, a plausible
        existing one (main, master, then the first by name)."""
        return self.default_branch_in(self._snapshot())

    def default_branch_in(self, snap: git_index.RefSnapshot) -> str:
        """:attr:`default_branch` as of the refs ``snap`` holds (a commit read with them asks
        this, not the refs of now: one read of the refs serves both)."""
        head = self._head_branch()
        heads = snap.heads
        if head and (head in heads or not heads):
            return head
        for name in _PREFERRED_DEFAULTS:
            if name in heads:
                return name
        if heads:
            return sorted(heads)[0]
        return head or "master"

    def set_default_branch(self, name: str) -> None:
        """Point HEAD at ``refs/heads/<name>``: what clones check out."""
        try:
            self._git.set_head(f"refs/heads/{name}")
        except (pygit2.GitError, ValueError) as exc:
            raise RepositoryError(f"cannot point HEAD at {name!r}: {exc}") from None

    def adopt_pushed_default(self, pushed: Sequence[str]) -> tuple[str, str] | None:
        """After a push: if HEAD names a branch that does not exist, point it at a pushed one
        (main, then master, else the first pushed) and return (HEAD's old branch, new one);
        else None.

        Without this a repository created empty keeps HEAD at ``master`` and every clone of
        a ``main``-only repository warns and checks out nothing. A HEAD that names an existing
        branch, or is detached, was chosen by someone and is left alone.
        """
        current = self._head_branch()
        heads = self._snapshot().heads
        if current is None or current in heads:
            return None
        arrived = [name for name in pushed if name in heads]
        if not arrived:
            return None
        chosen = next((n for n in _PREFERRED_DEFAULTS if n in arrived), arrived[0])
        self.set_default_branch(chosen)
        return current, chosen

    # -- commits ------------------------------------------------------------

    def _tip(self, snap: git_index.RefSnapshot) -> tuple[pygit2.Oid, int | None]:
        head = self._snapshot_head(snap)
        if head is not None:
            return pygit2.Oid(hex=head), None
        ids = snap.ids(self._git)
        if not ids:
            raise CommitNotFound("repository is empty")
        return pygit2.Oid(raw=ids[-1]), len(ids) - 1

    def _snapshot_head(self, snap: git_index.RefSnapshot) -> str | None:
        branch = self._head_branch()
        if branch is not None:
            return snap.heads.get(branch)
        try:  # detached HEAD
            return str(self._git.head.peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError):
            return None

    def _by_index(self, snap, index: int) -> tuple[pygit2.Oid, int]:
        ids = snap.ids(self._git)
        if not 0 <= index < len(ids):
            raise CommitNotFound(f"no commit with index {index}")
        return pygit2.Oid(raw=ids[index]), index

    def _resolve(self, snap, rev: str | int | None) -> tuple[pygit2.Oid, int | None]:
        if rev is None:
            return self._tip(snap)
        if isinstance(rev, bool):
            raise CommitNotFound(f"invalid revision {rev!r}")
        if isinstance(rev, int):
            return self._by_index(snap, rev)
        if not isinstance(rev, str) or not rev.strip():
            raise CommitNotFound(f"invalid revision {rev!r}")
        rev = rev.strip()
        if option_like(rev):
            raise CommitNotFound(f"invalid revision {rev!r}")
        if rev in ("tip", "HEAD"):
            return self._tip(snap)
        if rev.isdigit() and len(rev) <= _MAX_INDEX_DIGITS:
            return self._by_index(snap, int(rev))
        if rev in snap.heads:
            return pygit2.Oid(hex=snap.heads[rev]), None
        if rev in snap.tags:
            return pygit2.Oid(hex=snap.tags[rev]), None
        if _HEX.fullmatch(rev) and 4 <= len(rev) <= 40:
            obj = self._lookup(rev)
        else:
            try:  # full ref names, ancestry like "master~2", ...
                obj = self._git.revparse_single(rev)
            except (KeyError, ValueError, pygit2.GitError):
                obj = None
        if obj is None:
            raise CommitNotFound(f"unknown revision {rev!r}")
        try:
            return obj.peel(pygit2.Commit).id, None
        except (ValueError, pygit2.GitError):
            raise CommitNotFound(f"{rev!r} is not a commit") from None

    def _lookup(self, hex_prefix: str):
        try:
            return self._git.get(hex_prefix)
        except ValueError as exc:
            # libgit2 reports ambiguous prefixes as ValueError.
            raise CommitNotFound(f"ambiguous revision {hex_prefix!r}: {exc}") from None
        except (KeyError, pygit2.GitError):
            return None

    def get_commit(self, rev: str | int | None = None) -> GitCommit:
        """Resolve a revision (see :meth:`Repository.get_commit`). Digit
        strings of up to 6 characters are indexes, not hex prefixes."""
        snap = self._snapshot()
        oid, index = self._resolve(snap, rev)
        return GitCommit(self, snap, oid, index)

    def get_commits(self, revs: list[str]) -> list[Commit]:
        snap = self._snapshot()
        return [GitCommit(self, snap, *self._resolve(snap, rev)) for rev in revs]

    def commits(self, start: str | int | None = None,
                limit: int | None = None) -> list[Commit]:
        """Commits by ascending index from ``start`` (inclusive)."""
        snap = self._snapshot()
        ids = snap.ids(self._git)
        if start is None:
            first = 0
        elif isinstance(start, int) and not isinstance(start, bool):
            first = max(start, 0)
        else:
            commit = self.get_commit(start)
            first = commit.index
            if first < 0:
                raise CommitNotFound(f"{start!r} is not part of the history")
        end = len(ids) if limit is None or limit < 0 else first + limit
        return [GitCommit(self, snap, pygit2.Oid(raw=raw), i)
                for i, raw in enumerate(ids[first:end], first)]

    def commit_count(self) -> int:
        """Number of commits reachable from branches and tags."""
        return len(self._snapshot().ids(self._git))

    # -- trees and diffs ----------------------------------------------------

    def _commit_obj(self, rev) -> pygit2.Commit:
        return self._git[self._resolve(self._snapshot(), rev)[0]]

    def get_nodes(self, rev, path: str = "", recursive: bool = True) -> list[Node]:
        """Flat listing of the tree below ``path`` (see Repository)."""
        return list_nodes(self._git, self._commit_obj(rev), path, recursive)

    def get_node(self, rev, path: str) -> Node:
        """The file or directory at ``path``."""
        return get_node(self._git, self._commit_obj(rev), path)

    def diff(self, old_rev, new_rev, path: str | None = None, context: int = 3, *,
             renames: bool = False, ignore_whitespace: bool = False) -> str:
        """Unified git diff between two revisions, optionally limited to
        one file or directory (see :meth:`Repository.diff`)."""
        old = None if old_rev is None or old_rev == "0" * 40 else self._commit_obj(old_rev)
        return tree_diff(old, self._commit_obj(new_rev), path, context, renames=renames,
                         ignore_whitespace=ignore_whitespace)

    def file_history(self, rev, path: str, skip: int = 0, limit: int = 50):
        """See :meth:`HistoryReader.file_history` (``git log --follow``)."""
        return git_history.file_history(self, rev, path, skip, limit)

    def annotate(self, rev, path: str):
        """See :meth:`HistoryReader.annotate` (``git blame``)."""
        return git_history.annotate(self, rev, path)

    def last_changes(self, rev, path: str, names, budget: float):
        """See :meth:`HistoryReader.last_changes` (one ``git log --name-only``)."""
        return git_last_changes.last_changes(self, rev, path, names, budget)

    def archive(self, rev, fmt: str, prefix: str) -> Iterator[bytes]:
        """Streamed out of ``git archive`` (see :meth:`Repository.archive`)."""
        _check_archive_format(fmt)
        commit_id = self.get_commit(rev).raw_id
        args = ["archive", f"--format={_ARCHIVE_FORMATS[fmt]}", f"--prefix={prefix}/", commit_id]
        return _compressed(git_command.stream(args, git_dir=self._git.path, chunk=ARCHIVE_CHUNK),
                           bz2.BZ2Compressor(9) if fmt == "tbz2" else None)

    # -- maintenance --------------------------------------------------------

    def housekeep(self, full: bool = False) -> list[str]:
        """See :mod:`vcshub.vcs.git_upkeep`: repack with a bitmap when due, commit-graph."""
        return git_upkeep.housekeep(Path(self._git.path), full)

    def fetch(self, source: str, limits: TransferLimits = git_remote.DEFAULT_LIMITS) -> None:
        """Fetch all branches and tags from ``source`` (forced, mirror-like,
        without pruning) and give HEAD a branch if it had none."""
        git_remote.fetch_mirror(Path(self._git.path), source, limits)
        self._fix_unborn_head(source, limits)

    def _fix_unborn_head(
        self, source: str | None = None, limits: TransferLimits = git_remote.DEFAULT_LIMITS
    ) -> None:
        heads = self._snapshot().heads
        current = self._head_branch()
        if not heads or (current and current in heads):
            return
        wanted = git_remote.remote_head_branch(source, limits) if source else None
        if wanted not in heads:
            wanted = self.default_branch
        self.set_default_branch(wanted)

    def _strip_target(self, rev: str, branch: str | None):
        """The commit, the branch and its head that a strip of ``rev`` moves back."""
        commit = self.get_commit(rev)
        branch, head = git_write.strip_branch(self._git, self._snapshot().heads, commit, branch)
        return commit, branch, head

    def strip_preview(self, rev: str, branch: str | None = None) -> list[str]:
        commit, _branch, head = self._strip_target(rev, branch)
        return self.new_commits(commit.parents[:1], [str(head)])

    def strip(self, rev: str, branch: str | None = None) -> None:
        """Move ``branch`` back to the first parent of ``rev`` (delete it
        when ``rev`` is a root). Without ``branch``, the single branch
        containing ``rev`` is used. Unreachable commits are left to gc."""
        commit, branch, _head = self._strip_target(rev, branch)
        ref = self._git.references[f"refs/heads/{branch}"]
        if commit.parents:
            ref.set_target(pygit2.Oid(hex=commit.parents[0]),
                           f"vcshub: strip {commit.raw_id}")
        else:
            ref.delete()

    def new_commits(self, old_heads: list[str], new_heads: list[str]) -> list[str]:
        walker = self._git.walk(
            pygit2.Oid(hex=new_heads[0]), pygit2.enums.SortMode.TOPOLOGICAL
            | pygit2.enums.SortMode.REVERSE,
        ) if new_heads else None
        if walker is None:
            return []
        for head in new_heads[1:]:
            walker.push(pygit2.Oid(hex=head))
        for head in old_heads:
            try:
                walker.hide(pygit2.Oid(hex=head))
            except (KeyError, ValueError, pygit2.GitError):
                pass  # an old head that is gone (forced push) hides nothing
        return [str(commit.id) for commit in walker]

    def commit_files(self, files, message: str, author: str, branch: str | None = None) -> str:
        result = git_write.commit_files(self._git, files, message, author, branch or self.default_branch)
        self._invalidate_after_write()
        return result

    def merge(self, source_path: Path, source_commit: str, target_branch: str,
              target_commit: str, message: str, author: str, *,
              dry_run: bool = False) -> MergeResult:
        """See :meth:`Repository.merge` and :func:`git_merge.merge`."""
        result = git_merge.merge(self.path, source_path, source_commit, target_branch,
                                 target_commit, message, author, dry_run=dry_run)
        self._invalidate_after_write()
        return result

    def common_ancestor(self, source_path: Path, source_commit: str,
                        target_commit: str) -> str | None:
        """See :meth:`Repository.common_ancestor`."""
        return git_merge.common_ancestor(self.path, source_path, source_commit, target_commit)

    def commits_to_merge(self, source_path: Path, source_commit: str,
                         target_commit: str) -> list[str]:
        """See :meth:`Repository.commits_to_merge`."""
        return git_merge.commits_to_merge(self.path, source_path, source_commit, target_commit)


def _compressed(chunks: Iterator[bytes], compressor) -> Iterator[bytes]:
    """``chunks`` passed through ``compressor`` (None: as they are); closing this closes them."""
    try:
        for chunk in chunks:
            out = compressor.compress(chunk) if compressor is not None else chunk
            if out:
                yield out
        if compressor is not None:
            yield compressor.flush()
    finally:
        chunks.close()
