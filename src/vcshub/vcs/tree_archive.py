"""Tar and zip archives of a commit's tree built from VCS nodes (backends without an archiver).

The layout follows ``git archive``: everything under ``<prefix>/``, directory entries included,
every entry dated with the commit, executable bits and symbolic links kept, and the commit id
as the tar's global ``comment``. Each writer yields after every entry so that the caller can
pass the output on; only one file's content is in memory at a time.
"""

from __future__ import annotations

import io
import tarfile
import time
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from vcshub import vcs
from vcshub.vcs.nodes import MODE_EXEC

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


def _file_mode(node: vcs.Node) -> int:
    return 0o755 if node.mode == MODE_EXEC else 0o644


def _target(node: vcs.Node) -> str:
    return node.content.decode("utf-8", "surrogateescape")


def write_tar(out: BinaryIO, commit: vcs.Commit, prefix: str) -> Iterator[None]:
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


def write_zip(out: BinaryIO, commit: vcs.Commit, prefix: str) -> Iterator[None]:
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
