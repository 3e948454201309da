"""Mercurial changesets, tree nodes and diffs.

Mercurial speaks bytes; names are decoded as UTF-8 here, with
``surrogateescape`` for paths so that any path survives a round trip.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from mercurial import match as matchmod
from mercurial import mdiff, node as hgnode, patch

from . import patches
from .base import Commit, FileChange, sort_changes
from .diffs import split_diff
from .errors import NodeNotFound
from .nodes import (DIR, FILE, MODE_EXEC, MODE_FILE, MODE_LINK, Node,
                    normalize_path, tree_sort_key)

if TYPE_CHECKING:
    from .hg import HgRepository

# nobinary: print "Binary file ... has changed" like git does instead of
# embedding (possibly huge) base85 binary patches in the text.
DIFF_OPTS = {"git": True, "nobinary": True, "showfunc": False}


def to_str(value: bytes) -> str:
    """Decode metadata bytes (UTF-8 in Mercurial's store)."""
    return value.decode("utf-8", "replace")


def path_str(value: bytes) -> str:
    """Decode a file path so that it can be encoded back losslessly."""
    return value.decode("utf-8", "surrogateescape")


def path_bytes(value: str) -> bytes:
    """Inverse of :func:`path_str`."""
    return value.encode("utf-8", "surrogateescape")


class HgCommit(Commit):
    """A Mercurial changeset wrapping a changectx."""

    def __init__(self, repository: "HgRepository", ctx) -> None:
        self.repository = repository
        self._ctx = ctx

    @cached_property
    def raw_id(self) -> str:
        return self._ctx.hex().decode("ascii")

    @property
    def index(self) -> int:
        return self._ctx.rev()

    @cached_property
    def author(self) -> str:
        return to_str(self._ctx.user())

    @cached_property
    def date(self) -> datetime:
        return datetime.fromtimestamp(self._ctx.date()[0])

    @cached_property
    def message(self) -> str:
        return to_str(self._ctx.description())

    @cached_property
    def parents(self) -> list[str]:
        return [p.hex().decode("ascii") for p in self._ctx.parents()
                if p.rev() != hgnode.nullrev]

    @cached_property
    def branch(self) -> str:
        return to_str(self._ctx.branch())

    @cached_property
    def tags(self) -> list[str]:
        return [to_str(t) for t in self._ctx.tags() if t != b"tip"]

    @cached_property
    def bookmarks(self) -> list[str]:
        return [to_str(b) for b in self._ctx.bookmarks()]

    @cached_property
    def closesbranch(self) -> bool:
        """True if this changeset closes its branch."""
        return bool(self._ctx.closesbranch())

    def patch(self) -> str:
        """``hg export --git`` layout (see :mod:`patches`)."""
        return patches.hg_patch(self, self.diff())

    def changes(self, with_diff: bool = False) -> list[FileChange]:
        """Files changed against the first parent, ordered A, M, D."""
        ctx = self._ctx
        p1 = ctx.p1()
        status = p1.status(ctx)
        mf1, mf2 = p1.manifest(), ctx.manifest()
        result = []
        for files, op in ((status.added, "A"), (status.modified, "M"),
                          (status.removed, "D")):
            for f in files:
                if op == "M" and f not in mf1:
                    op_here = "A"  # merged-in additions show as modified
                else:
                    op_here = op
                old = mf1.get(f) if op_here != "A" else None
                new = mf2.get(f) if op_here != "D" else None
                result.append(FileChange(
                    path=path_str(f), op=op_here,
                    old_id=hgnode.hex(old).decode() if old else None,
                    new_id=hgnode.hex(new).decode() if new else None,
                ))
        if with_diff:
            text = diff_text(ctx.repo(), p1, ctx)
            pieces = {piece.path: piece for piece in split_diff(text)}
            for change in result:
                piece = pieces.get(change.path)
                if piece is None:
                    change.raw_diff = ""
                    continue
                change.raw_diff = piece.text
                change.added_lines = piece.added_lines
                change.deleted_lines = piece.deleted_lines
                change.binary = piece.binary
        return sort_changes(result)


def diff_text(repo, ctx1, ctx2, path: str | None = None, context: int = 3, *,
              renames: bool = False, ignore_whitespace: bool = False) -> str:
    """Git-style diff between two changectxs, optionally limited to a path.

    Without ``renames`` copy tracking is disabled (``copy={}``) so output matches the git
    backend's plain diff: renames appear as a deletion plus an addition. With it, the copies
    and renames Mercurial recorded are shown as such (``copy=None``: computed between the two).
    """
    match = None
    prefix = normalize_path(path)
    if prefix:
        match = matchmod.match(repo.root, b"", [b"path:" + path_bytes(prefix)])
    opts = mdiff.diffopts(context=context, ignorews=ignore_whitespace, **DIFF_OPTS)
    chunks = patch.diff(repo, ctx1.node(), ctx2.node(), match=match,
                        opts=opts, copy=None if renames else {})
    return b"".join(chunks).decode("utf-8", "replace")


# -- tree nodes -------------------------------------------------------------

class FileSource:
    """Lazy node data of one changeset; keys are byte paths."""

    __slots__ = ("ctx",)

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def read(self, bpath: bytes) -> bytes:
        return self.ctx.filectx(bpath).data()

    def size(self, bpath: bytes) -> int:
        return self.ctx.filectx(bpath).size()

    def mode(self, bpath: bytes) -> int:
        return _mode(self.ctx.manifest().flags(bpath))

    def identity(self, bpath: bytes):
        node = self.ctx.manifest().get(bpath)
        return ("hg", node) if node is not None else None


def _mode(flags: bytes) -> int:
    if b"l" in flags:
        return MODE_LINK
    return MODE_EXEC if b"x" in flags else MODE_FILE


def get_node(ctx, path: str) -> Node:
    """The file or directory at ``path`` ("" is the root)."""
    path = normalize_path(path)
    if not path:
        return Node("", DIR)
    bpath = path_bytes(path)
    mf = ctx.manifest()
    if bpath in mf:
        return Node(path, FILE, FileSource(ctx), bpath, _mode(mf.flags(bpath)))
    if mf.hasdir(bpath):
        return Node(path, DIR)
    raise NodeNotFound(f"no path {path!r} in changeset {ctx.hex().decode()}")


def list_nodes(ctx, path: str, recursive: bool) -> list[Node]:
    """Flat pre-order listing below ``path``; directories are implied by
    file paths since Mercurial only stores files."""
    path = normalize_path(path)
    mf = ctx.manifest()
    source = FileSource(ctx)
    bprefix = b""
    if path:
        bpath = path_bytes(path)
        if bpath in mf:
            return [Node(path, FILE, source, bpath, _mode(mf.flags(bpath)))]
        if not mf.hasdir(bpath):
            raise NodeNotFound(f"no path {path!r} in changeset {ctx.hex().decode()}")
        bprefix = bpath + b"/"
    cut = len(bprefix)
    nodes: list[Node] = []
    dirs: set[bytes] = set()
    for bfile, _filenode, flags in mf.iterentries():
        if cut and not bfile.startswith(bprefix):
            continue
        rest = bfile[cut:]
        slash = rest.rfind(b"/")
        if slash >= 0:
            if not recursive:
                dirs.add(bfile[:cut + rest.index(b"/")])
                continue
            # Register every ancestor dir of the file once.
            parent = bfile[:cut + slash]
            while parent not in dirs:
                dirs.add(parent)
                up = parent.rfind(b"/", cut)
                if up < 0:
                    break
                parent = parent[:up]
        mode = MODE_FILE if not flags else _mode(flags)
        nodes.append(Node(path_str(bfile), FILE, source, bfile, mode))
    nodes.extend(Node(path_str(d), DIR) for d in dirs)
    nodes.sort(key=tree_sort_key)
    return nodes
