"""File and directory nodes of a commit's tree.

Listing a tree with tens of thousands of entries must stay cheap, so a
:class:`Node` only carries its path and kind up front; size, content and the
values derived from content are loaded on first access through callables
supplied by the backend.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
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


@dataclass(frozen=True, slots=True)
class ContentFacts:
    """What the API reports about a file's content, all derived from its bytes."""

    md5: str
    size: int
    is_binary: bool
    lines: int

    @classmethod
    def of(cls, data: bytes) -> ContentFacts:
        binary = b"\x00" in data[:BINARY_SNIFF_BYTES]
        lines = 0 if not data or binary else data.count(b"\n") + (not data.endswith(b"\n"))
        return cls(hashlib.md5(data).hexdigest(), len(data), binary, lines)


class FactsCache:
    """A bounded, thread-safe memory of :class:`ContentFacts` by content identity.

    Identities name immutable content (a git blob id, a Mercurial file node), so an entry
    never goes stale; listing a big tree a second time then reads no file content at all.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, ContentFacts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, identity: Hashable) -> ContentFacts | None:
        with self._lock:
            facts = self._entries.get(identity)
            if facts is not None:
                self._entries.move_to_end(identity)
            return facts

    def put(self, identity: Hashable, facts: ContentFacts) -> None:
        with self._lock:
            self._entries[identity] = facts
            if len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


# One per process, shared by every repository: ~200 bytes an entry.
FACTS_CACHE = FactsCache(capacity=500_000)


@lru_cache(maxsize=4096)
def _mimetype_of_suffixes(suffixes: str) -> str | None:
    return mimetypes.guess_type("x" + suffixes, strict=False)[0]


def guess_mimetype(name: str) -> str | None:
    """The MIME type the file name suggests (by its last two suffixes), or None."""
    lowered = name.lower()
    dot = lowered.rfind(".")
    if dot <= 0:
        return None
    before = lowered.rfind(".", 0, dot)
    return _mimetype_of_suffixes(lowered[before if before > 0 else dot:])


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

    # Optional: ``identity(key)`` names the content immutably (a blob id), so that facts
    # about it can be remembered across requests; None when it cannot.


class Node:
    """One file or directory of a commit.

    ``path`` is relative to the repository root ("" for the root dir).
    Content-derived properties are lazy and cached per node; a node only
    holds a reference to its backend source and a key until then, which
    keeps listing 20k-file trees cheap.
    """

    # Plain slots, not cached_property: listing 20k files reads each value once, and
    # cached_property's per-access lock (Python 3.11) cost more than the values.
    __slots__ = ("path", "kind", "_source", "_key", "_mode", "_content", "_facts")

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
        self._content: bytes | None = None
        self._facts: ContentFacts | None = None

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
        return self.path.rpartition("/")[2]

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
        """File extension without the dot, lower-cased ("" if none; leading dots, as in
        ``.bashrc``, do not start one)."""
        name = self.name.lstrip(".")
        dot = name.rfind(".")
        return name[dot + 1:].lower() if dot > 0 else ""

    @property
    def content(self) -> bytes:
        """Raw file content (symlinks: the link target); b"" for dirs."""
        if self._content is None:
            if self.kind == DIR or self._source is None:
                self._content = b""
            else:
                self._content = self._source.read(self._key)
        return self._content

    @property
    def size(self) -> int:
        """Content size in bytes (0 for directories)."""
        if self._facts is not None:
            return self._facts.size
        if self.kind == DIR or self._source is None:
            return len(self.content)
        return self._source.size(self._key)

    @property
    def facts(self) -> ContentFacts:
        """md5, size, binary flag and line count, computed together from one read of the
        content (and remembered by content identity, see :data:`FACTS_CACHE`)."""
        if self._facts is None:
            identity = self._identity()
            facts = FACTS_CACHE.get(identity) if identity is not None else None
            if facts is None:
                facts = ContentFacts.of(self.content)
                if identity is not None:
                    FACTS_CACHE.put(identity, facts)
            self._facts = facts
        return self._facts

    def _identity(self) -> Hashable | None:
        if self.kind == DIR or self._source is None:
            return None
        identify = getattr(self._source, "identity", None)
        return identify(self._key) if identify is not None else None

    @property
    def content_id(self) -> str | None:
        """A name of the content that changes when it does (git: the blob id; hg: the file
        node), without reading it: an indexer tells changed files apart by it."""
        identity = self._identity()
        if identity is None:
            return None
        key = identity[1]
        return key.hex() if isinstance(key, bytes) else str(key)

    @property
    def md5(self) -> str:
        """Hex MD5 of the content."""
        return self.facts.md5

    @property
    def is_binary(self) -> bool:
        """True if a NUL byte appears in the first 8000 bytes."""
        return self.facts.is_binary

    @property
    def mimetype(self) -> str:
        """Guessed MIME type; falls back on the binary sniffing result."""
        if self.kind == DIR:
            return "inode/directory"
        guessed = guess_mimetype(self.name)
        if guessed:
            return guessed
        return "application/octet-stream" if self.is_binary else "text/plain"

    @property
    def lines(self) -> int:
        """Number of lines (0 for dirs and binary files); a last line
        without trailing newline still counts."""
        return self.facts.lines
