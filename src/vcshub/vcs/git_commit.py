"""Git commits and tree nodes on top of pygit2."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

import pygit2
from pygit2.enums import DiffFind, DiffOption
from . import patches
from .base import Commit, FileChange, sort_changes
from .errors import NodeNotFound
from .nodes import DIR, FILE, Node, normalize_path, tree_sort_key

if TYPE_CHECKING:
    from .git import GitRepository
    from .git_index import RefSnapshot

_STATUS_TO_OP = {"A": "A", "D": "D", "M": "M", "T": "M", "R": "M", "C": "A"}


class GitCommit(Commit):
    """A git commit; only the id (and maybe index) is known up front."""

    def __init__(self, repository: "GitRepository", snap: "RefSnapshot",
                 oid: pygit2.Oid, index: int | None = None) -> None:
        self.repository = repository
        self._snap = snap
        self._oid = oid
        if index is not None:
            self.__dict__["index"] = index

    @property
    def raw_id(self) -> str:
        return str(self._oid)

    @cached_property
    def _obj(self) -> pygit2.Commit:
        return self.repository._git[self._oid]

    @cached_property
    def index(self) -> int:
        git = self.repository._git
        self._snap.ids(git)
        # Commits only reachable from other refs (e.g. refs/pull/*) or
        # dangling ones have no position in the history.
        return self._snap.positions.get(self._oid.raw, -1)

    @cached_property
    def author(self) -> str:
        sig = self._obj.author
        return f"{sig.name} <{sig.email}>"

    @cached_property
    def date(self) -> datetime:
        return datetime.fromtimestamp(self._obj.commit_time)

    @cached_property
    def message(self) -> str:
        return self._obj.message

    @cached_property
    def parents(self) -> list[str]:
        return [str(p) for p in self._obj.parent_ids]

    @cached_property
    def tags(self) -> list[str]:
        return list(self._snap.tags_by_commit.get(self.raw_id, ()))

    @property
    def bookmarks(self) -> list[str]:
        return []

    @cached_property
    def branch(self) -> str | None:
        """A branch whose head is this commit (default branch preferred),
        else the default branch when it contains the commit, else None."""
        default = self.repository.default_branch_in(self._snap)
        heads = self._snap.heads_by_commit.get(self.raw_id)
        if heads:
            return default if default in heads else heads[0]
        default_head = self._snap.heads.get(default)
        if default_head is None:
            return None
        reachable = self._snap.reachable_from(self.repository._git, default_head)
        return default if self._oid.raw in reachable else None

    @cached_property
    def branches_containing(self) -> list[str]:
        git = self.repository._git
        found = []
        for name, head in sorted(self._snap.heads.items()):
            head_oid = pygit2.Oid(hex=head)
            if head_oid == self._oid or git.descendant_of(head_oid, self._oid):
                found.append(name)
        return found

    def patch(self) -> str:
        """``git format-patch -1 --stdout`` layout (see :mod:`patches`)."""
        return patches.git_patch(self, self.diff())

    def changes(self, with_diff: bool = False) -> list[FileChange]:
        """Files changed against the first parent, ordered A, M, D."""
        diff = first_parent_diff(self._obj)
        result = []
        if not with_diff:
            for delta in diff.deltas:
                result.append(_change_from_delta(delta))
            return sort_changes(result)
        for patch in diff:
            if patch is None:
                continue
            change = _change_from_delta(patch.delta)
            _context, added, deleted = patch.line_stats
            change.added_lines, change.deleted_lines = added, deleted
            change.binary = patch.delta.is_binary
            change.raw_diff = patch.data.decode("utf-8", "replace")
            result.append(change)
        return sort_changes(result)


def tree_diff(old: pygit2.Commit | None, new: pygit2.Commit, path: str | None, context: int, *,
              renames: bool, ignore_whitespace: bool) -> str:
    """Git-style diff text of two commits' trees (``old`` None: from nothing), optionally
    limited to one file or directory (see :meth:`Repository.diff`)."""
    flags = DiffOption.IGNORE_WHITESPACE if ignore_whitespace else DiffOption.NORMAL
    if old is None:
        diff = new.tree.diff_to_tree(flags=flags, context_lines=context, swap=True)
    else:
        diff = old.tree.diff_to_tree(new.tree, flags=flags, context_lines=context)
    if renames:  # git's defaults: 50% similar; copies from files the diff touches
        diff.find_similar(flags=DiffFind.FIND_RENAMES | DiffFind.FIND_COPIES)
    prefix = normalize_path(path)
    pieces = []
    for patch in diff:
        if patch is None:
            continue
        if prefix:
            delta = patch.delta
            paths = (delta.old_file.path, delta.new_file.path)
            if not any(p == prefix or p.startswith(prefix + "/") for p in paths):
                continue
        pieces.append(patch.data.decode("utf-8", "replace"))
    return "".join(pieces)


def first_parent_diff(obj: pygit2.Commit) -> pygit2.Diff:
    """Diff of a commit against its first parent (root: against nothing)."""
    if obj.parents:
        return obj.parents[0].tree.diff_to_tree(obj.tree)
    return obj.tree.diff_to_tree(swap=True)


def _change_from_delta(delta: pygit2.DiffDelta) -> FileChange:
    op = _STATUS_TO_OP.get(delta.status_char(), "M")
    old_id = None if op == "A" else str(delta.old_file.id)
    new_id = None if op == "D" else str(delta.new_file.id)
    path = delta.old_file.path if op == "D" else delta.new_file.path
    return FileChange(path=path, op=op, old_id=old_id, new_id=new_id,
                      binary=delta.is_binary)


# -- tree nodes -------------------------------------------------------------

_TREE = pygit2.GIT_OBJECT_TREE
_BLOB = pygit2.GIT_OBJECT_BLOB


class BlobSource:
    """Lazy node data; keys are the tree-entry objects of pygit2."""

    __slots__ = ("git",)

    def __init__(self, git: pygit2.Repository) -> None:
        self.git = git

    def read(self, entry) -> bytes:
        if entry.type != _BLOB:
            # Submodule: there is no blob, show what `git diff` shows.
            return f"Subproject commit {entry.id}\n".encode()
        return self.git[entry.id].data

    def size(self, entry) -> int:
        if entry.type != _BLOB:
            return len(self.read(entry))
        return self.git.odb.read_header(entry.id)[1]

    def identity(self, entry):
        return ("git", entry.id) if entry.type == _BLOB else None

    def mode(self, entry) -> int:
        # Reading filemode builds an enum: too slow to do for every entry
        # of a big listing, hence only on demand.
        return int(entry.filemode)


def tree_entry(git: pygit2.Repository, commit: pygit2.Commit, path: str):
    """(normalized path, tree entry object or None for the root)."""
    path = normalize_path(path)
    if not path:
        return path, None
    try:
        return path, commit.tree[path]
    except (KeyError, ValueError, pygit2.GitError):
        raise NodeNotFound(f"no path {path!r} in commit {commit.id}") from None


def _make_node(source: BlobSource, path: str, entry) -> Node:
    if entry.type == _TREE:
        return Node(path, DIR)
    return Node(path, FILE, source, entry)


def get_node(git: pygit2.Repository, commit: pygit2.Commit, path: str) -> Node:
    """The single node at ``path`` ("" is the root directory)."""
    path, entry = tree_entry(git, commit, path)
    if entry is None:
        return Node("", DIR)
    return _make_node(BlobSource(git), path, entry)


def list_nodes(git: pygit2.Repository, commit: pygit2.Commit, path: str,
               recursive: bool) -> list[Node]:
    """Flat pre-order listing of everything below ``path``."""
    path, entry = tree_entry(git, commit, path)
    source = BlobSource(git)
    if entry is None:
        tree = commit.tree
    elif entry.type == _TREE:
        tree = git[entry.id]
    else:
        return [_make_node(source, path, entry)]
    nodes: list[Node] = []
    append = nodes.append
    stack = [(path + "/" if path else "", tree)]
    while stack:
        base, current = stack.pop()
        for obj in current:
            child = base + obj.name
            if obj.type == _TREE:
                append(Node(child, DIR))
                if recursive:
                    stack.append((child + "/", obj))
            else:
                append(Node(child, FILE, source, obj))
    nodes.sort(key=tree_sort_key)
    return nodes
