"""Tar and zip archives of a commit's tree built from VCS nodes (backends without an archiver:
Mercurial's own needs a working-copy context and writes to a file).

The layout follows ``git archive``: everything under ``<prefix>/``, directory entries included,
every entry dated with the commit, executable bits and symbolic links kept, and the commit id
as the tar's global ``comment``. Each writer yields after every entry so that the caller can
pass the output on; only one file's content is in memory at a time.
"""

from __future__ import annotations

import bz2
import io
import tarfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from .nodes import MODE_EXEC, Node

if TYPE_CHECKING:
    from .base import Commit

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


def _file_mode(node: Node) -> int:
    return 0o755 if node.mode == MODE_EXEC else 0o644


def _target(node: Node) -> str:
    return node.content.decode("utf-8", "surrogateescape")


def write_tar(out: BinaryIO, commit: "Commit", prefix: str) -> Iterator[None]:
    mtime = int(commit.date.timestamp())

    def info(name: str, kind: bytes, mode: int) -> tarfile.TarInfo:
        entry = tarfile.TarInfo(name)
        entry.type, entry.mode, entry.mtime = kind, mode, mtime
        entry.uname = entry.gname = "root"
        return entry

    with tarfile.open(
        fileobj=out, mode="w|", format=tarfile.PAX_FORMAT, encoding="utf-8",
        errors="surrogateescape", pax_headers={"comment": commit.raw_id},
    ) as tar:
        tar.addfile(info(prefix + "/", tarfile.DIRTYPE, 0o755))
        for node in commit.get_nodes("", recursive=True):
            name = f"{prefix}/{node.path}"
            if node.is_dir:
                tar.addfile(info(name + "/", tarfile.DIRTYPE, 0o755))
            elif node.is_symlink:
                entry = info(name, tarfile.SYMTYPE, 0o777)
                entry.linkname = _target(node)
                tar.addfile(entry)
            else:
                content = node.content
                entry = info(name, tarfile.REGTYPE, _file_mode(node))
                entry.size = len(content)
                tar.addfile(entry, io.BytesIO(content))
            yield


def write_zip(out: BinaryIO, commit: "Commit", prefix: str) -> Iterator[None]:
    date_time = max(time.localtime(commit.date.timestamp())[:6], ZIP_EPOCH)

    def info(name: str, mode: int, compress: int) -> zipfile.ZipInfo:
        # zip names are UTF-8; a path that is not cannot be stored as is
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        entry = zipfile.ZipInfo(name, date_time)
        entry.create_system = 3  # unix: the high 16 bits of external_attr are st_mode
        entry.external_attr = mode << 16
        entry.compress_type = compress
        return entry

    with zipfile.ZipFile(out, "w") as archive:
        root = info(prefix + "/", 0o40755, zipfile.ZIP_STORED)
        root.external_attr |= 0x10  # MS-DOS directory flag
        archive.writestr(root, b"")
        for node in commit.get_nodes("", recursive=True):
            name = f"{prefix}/{node.path}"
            if node.is_dir:
                entry = info(name + "/", 0o40755, zipfile.ZIP_STORED)
                entry.external_attr |= 0x10
                archive.writestr(entry, b"")
            elif node.is_symlink:
                archive.writestr(info(name, 0o120777, zipfile.ZIP_STORED), node.content)
            else:
                mode = 0o100000 | _file_mode(node)
                archive.writestr(info(name, mode, zipfile.ZIP_DEFLATED), node.content)
            yield


class _Sink:
    """A write-only file that compresses (optionally) and collects its output for the caller."""

    def __init__(self, compressor=None) -> None:
        self._compressor = compressor
        self._pending: list[bytes] = []
        self.pending_bytes = 0
        self._position = 0

    def write(self, data: bytes) -> int:
        self._position += len(data)
        out = self._compressor.compress(data) if self._compressor is not None else bytes(data)
        if out:
            self._pending.append(out)
            self.pending_bytes += len(out)
        return len(data)

    def tell(self) -> int:  # zipfile needs offsets; without seek() it writes data descriptors
        return self._position

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        if self._compressor is not None:
            self._pending.append(self._compressor.flush())

    def take(self) -> bytes:
        data = b"".join(self._pending)
        self._pending, self.pending_bytes = [], 0
        return data


def chunks(commit: "Commit", fmt: str, prefix: str, chunk: int) -> Iterator[bytes]:
    """The archive (``fmt``: zip, tgz, tbz2) in pieces of about ``chunk`` bytes, one file's
    content in memory at a time."""
    compressor = None
    if fmt == "tgz":
        compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    elif fmt == "tbz2":
        compressor = bz2.BZ2Compressor(9)
    sink = _Sink(compressor)
    write = write_zip if fmt == "zip" else write_tar
    for _added in write(sink, commit, prefix):
        if sink.pending_bytes >= chunk:
            yield sink.take()
    sink.finish()
    yield sink.take()
