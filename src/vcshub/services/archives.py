"""Archives of a repository's tree at a commit (.zip, .tar.gz, .tar.bz2), cached on disk.

The cache holds one file per repository, commit and format
(``<archive_cache_dir>/<repo_id>/<commit id>-<prefix hash><ext>``); a commit's tree never
changes, so a cached file is valid for ever. The first download streams the archive to the
client while writing it to a temporary file beside its cache name, renamed into place only once
complete: readers never see half an archive, and concurrent first downloads (several app nodes
on shared storage) merely race to rename identical files. Nothing is held in memory whole:
git archives stream out of ``git archive``, Mercurial ones are built file by file.
"""

from __future__ import annotations

import bz2
import contextlib
import hashlib
import logging
import os
import re
import subprocess
import tempfile
import uuid
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from vcshub import vcs
from vcshub.config import child_process_env
from vcshub.db.models import Repository
from vcshub.services import repo_disk
from vcshub.services.errors import ArchiveFailed, DownloadsDisabled, NotFound
from vcshub.services.tree_archive import write_tar, write_zip
from vcshub.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveFormat:
    kind: str  # "zip", "tgz", "tbz2"
    extension: str  # the canonical one, used in file names
    mimetype: str


ZIP = ArchiveFormat("zip", ".zip", "application/zip")
TGZ = ArchiveFormat("tgz", ".tar.gz", "application/gzip")
TBZ2 = ArchiveFormat("tbz2", ".tar.bz2", "application/x-bzip2")
# RhodeCode's names, longest first so that ".tar.gz" wins over a ref ending in ".tar".
EXTENSIONS = {".tar.bz2": TBZ2, ".tar.gz": TGZ, ".tbz2": TBZ2, ".tgz": TGZ, ".zip": ZIP}


def parse_name(fname: str) -> tuple[str, ArchiveFormat]:
    """``<ref><ext>`` → (ref, format); NotFound for an unknown extension or an empty ref."""
    for extension, fmt in EXTENSIONS.items():
        if fname.endswith(extension) and len(fname) > len(extension):
            return fname[: -len(extension)], fmt
    raise NotFound("archive", fname)


@dataclass
class Archive:
    filename: str  # what the client saves it as
    fmt: ArchiveFormat
    path: Path  # its place in the cache
    _chunks: Callable[[], Generator[bytes, None, None]]

    @property
    def cached(self) -> bool:
        return self.path.is_file()

    def produce(self) -> Iterator[bytes]:
        """The archive's bytes, written to the cache as they are produced."""
        return _into_cache(self.path, self._chunks())


def prepare(uow: UnitOfWork, repo: Repository, fname: str) -> Archive:
    """Resolve ``<ref><ext>`` of a repository the caller may read, without producing anything."""
    if not repo.enable_downloads:
        raise DownloadsDisabled(repo.repo_name)
    ref, fmt = parse_name(fname)
    if ref.startswith("-"):
        raise vcs.CommitNotFound(f"invalid revision {ref!r}")
    commit = repo_disk.open_vcs(uow, repo).get_commit(ref)
    stem = f"{re.sub(r'[^A-Za-z0-9_.+-]', '_', repo.repo_name)}-{commit.short_id}"
    tag = hashlib.sha1(stem.encode()).hexdigest()[:8]
    cache_file = uow.settings.archive_cache_dir / str(repo.repo_id) / f"{commit.raw_id}-{tag}{fmt.extension}"
    folder, kind, commit_id = repo_disk.path(uow, repo), repo.repo_type, commit.raw_id
    if kind == "git":
        chunks = lambda: _git_archive(folder, commit_id, stem, fmt)  # noqa: E731
    else:
        chunks = lambda: _tree_archive(folder, kind, commit_id, stem, fmt)  # noqa: E731
    return Archive(filename=stem + fmt.extension, fmt=fmt, path=cache_file, _chunks=chunks)


def _into_cache(target: Path, chunks: Generator[bytes, None, None]) -> Iterator[bytes]:
    """Pass chunks through while writing them to a temporary file renamed to ``target`` at the end.

    Closing the generator early (client gone) stops the archiver and drops the temporary file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    done = False
    try:
        with open(partial, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                yield chunk
        os.replace(partial, target)
        done = True
    finally:
        chunks.close()
        if not done:
            with contextlib.suppress(OSError):
                partial.unlink()


# -- git: `git archive`, streamed ---------------------------------------------------------------
_GIT_FORMATS = {"zip": "zip", "tgz": "tar.gz", "tbz2": "tar"}


def _git_archive(folder: Path, commit_id: str, stem: str, fmt: ArchiveFormat):
    argv = ["git", f"--git-dir={folder}", "archive", f"--format={_GIT_FORMATS[fmt.kind]}",
            f"--prefix={stem}/", commit_id]
    compressor = bz2.BZ2Compressor(9) if fmt.kind == "tbz2" else None
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
            env=child_process_env(),
        )
        try:
            _widen_pipe(process.stdout)
            while chunk := process.stdout.read(CHUNK):
                if compressor is not None:
                    chunk = compressor.compress(chunk)
                if chunk:
                    yield chunk
            if compressor is not None:
                yield compressor.flush()
            if process.wait() != 0:
                errors.seek(0)
                message = errors.read()[-2000:].decode("utf-8", "replace")
                raise ArchiveFailed(f"git archive failed in {folder}: {message}")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()


def _widen_pipe(pipe) -> None:
    """A 1 MiB pipe lets git run ahead while a chunk is being sent (Linux; best effort)."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, CHUNK)


# -- other backends: built from the VCS layer's nodes -------------------------------------------
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


def _tree_archive(folder: Path, kind: str, commit_id: str, stem: str, fmt: ArchiveFormat):
    commit = vcs.open_repository(folder, kind).get_commit(commit_id)
    compressor = None
    if fmt.kind == "tgz":
        compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    elif fmt.kind == "tbz2":
        compressor = bz2.BZ2Compressor(9)
    sink = _Sink(compressor)
    write = write_zip if fmt.kind == "zip" else write_tar
    for _added in write(sink, commit, stem):
        if sink.pending_bytes >= CHUNK:
            yield sink.take()
    sink.finish()
    yield sink.take()
