"""File and directory nodes of a commit's tree.

Listing a tree with tens of thousands of entries must stay cheap, so a
:class:`Node` only carries its path and kind up front; size, content and the
values derived from content are loaded on first access through callables
supplied by the backend.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
from functools import cached_property
from typing import Any, Protocol

from .errors import NodeNotFound

FILE = "file"
DIR = "dir"
MODE_FILE, MODE_EXEC, MODE_LINK, MODE_DIR = 0o100644, 0o100755, 0o120000, 0o40000

# Same heuristic as git: a NUL byte in the first 8000 bytes means binary.
BINARY_SNIFF_BYTES = 8000


def normalize_path(path: str | None) -> str:
    """Validate a repository-relative path and return it without slashes
    at the ends ("" is the root).

    Raises :class:`NodeNotFound` for absolute paths, ``..``/``.``
    components, backslashes or NUL bytes, so callers never leave the tree.
    """
    if path is None:
        return ""
    if not isinstance(path, str):
        raise NodeNotFound(f"invalid path {path!r}")
    if path.startswith("/") or "\x00" in path or "\\" in path:
        raise NodeNotFound(f"invalid path {path!r}")
    stripped = path.rstrip("/")
    if not stripped:
        return ""
    parts = stripped.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise NodeNotFound(f"invalid path {path!r}")
    return stripped


def tree_sort_key(node: "Node") -> list[str]:
    """Sort key giving a pre-order listing: a directory is directly
    followed by its contents (``a``, ``a/b``, ``a.txt``)."""
    return node.path.split("/")


class NodeSource(Protocol):
    """Where a backend's nodes read their lazy data from; ``key`` is
    whatever the backend stored in the node (blob, path, ...)."""

    def read(self, key: Any) -> bytes: ...

    def size(self, key: Any) -> int: ...

    def mode(self, key: Any) -> int: ...


class Node:
    """One file or directory of a commit.

    ``path`` is relative to the repository root ("" for the root dir).
    Content-derived properties are lazy and cached per node; a node only
    holds a reference to its backend source and a key until then, which
    keeps listing 20k-file trees cheap.
    """

    __slots__ = ("path", "kind", "_source", "_key", "_mode", "__dict__")

    def __init__(
        self,
        path: str,
        kind: str,
        source: NodeSource | None = None,
        key: Any = None,
        mode: int | None = None,
    ) -> None:
        self.path = path
        self.kind = kind
        self._source = source
        self._key = key
        self._mode = mode

    def __repr__(self) -> str:
        return f"<Node {self.kind} {self.path!r}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Node)
            and other.path == self.path
            and other.kind == self.kind
        )

    def __hash__(self) -> int:
        return hash((self.path, self.kind))

    @property
    def name(self) -> str:
        """Last path component ("" for the root)."""
        return posixpath.basename(self.path)

    @property
    def is_file(self) -> bool:
        """True for files (including symlinks)."""
        return self.kind == FILE

    @property
    def is_dir(self) -> bool:
        """True for directories."""
        return self.kind == DIR

    @property
    def mode(self) -> int:
        """Git-style file mode (0o100644, 0o100755, 0o120000, 0o40000)."""
        if self._mode is None:
            if self.kind == DIR:
                self._mode = MODE_DIR
            elif self._source is not None:
                self._mode = int(self._source.mode(self._key))
            else:
                self._mode = MODE_FILE
        return self._mode

    @property
    def is_symlink(self) -> bool:
        """True for symbolic links (``content`` is then the target)."""
        return self.mode == MODE_LINK

    @property
    def extension(self) -> str:
        """File extension without the dot, lower-cased ("" if none)."""
        ext = posixpath.splitext(self.name)[1]
        return ext[1:].lower() if ext else ""

    @cached_property
    def content(self) -> bytes:
        """Raw file content (symlinks: the link target); b"" for dirs."""
        if self.kind == DIR or self._source is None:
            return b""
        return self._source.read(self._key)

    @cached_property
    def size(self) -> int:
        """Content size in bytes (0 for directories)."""
        if self.kind == DIR or self._source is None:
            return len(self.content)
        return self._source.size(self._key)

    @cached_property
    def md5(self) -> str:
        """Hex MD5 of the content."""
        return hashlib.md5(self.content).hexdigest()

    @cached_property
    def is_binary(self) -> bool:
        """True if a NUL byte appears in the first 8000 bytes."""
        return b"\x00" in self.content[:BINARY_SNIFF_BYTES]

    @cached_property
    def mimetype(self) -> str:
        """Guessed MIME type; falls back on the binary sniffing result."""
        if self.kind == DIR:
            return "inode/directory"
        guessed, _encoding = mimetypes.guess_type(self.name, strict=False)
        if guessed:
            return guessed
        return "application/octet-stream" if self.is_binary else "text/plain"

    @cached_property
    def lines(self) -> int:
        """Number of lines (0 for dirs and binary files); a last line
        without trailing newline still counts."""
        data = self.content
        if not data or self.is_binary:
            return 0
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
