"""Archives of a repository's tree at a commit (.zip, .tar.gz, .tar.bz2), cached on disk.

The cache holds one file per repository, commit and format
(``<archive_cache_dir>/<repo_id>/<commit id>-<prefix hash><ext>``); a commit's tree never
changes, so a cached file is valid for ever. The first download streams the archive to the
client while writing it to a temporary file beside its cache name, renamed into place only once
complete: readers never see half an archive, and concurrent first downloads (several app nodes
on shared storage) merely race to rename identical files. Nothing is held in memory whole: the
VCS layer produces archives as a stream (:meth:`vcs.Repository.archive`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services import repo_contents, repo_disk
from vcshub.services.errors import ArchiveFailed, DownloadsDisabled, NotFound
from vcshub.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


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
    commit = repo_contents.commit_at(repo_contents.backend(uow, repo), ref)
    stem = f"{re.sub(r'[^A-Za-z0-9_.+-]', '_', repo.repo_name)}-{commit.short_id}"
    tag = hashlib.sha1(stem.encode()).hexdigest()[:8]
    cache_file = uow.settings.archive_cache_dir / str(repo.repo_id) / f"{commit.raw_id}-{tag}{fmt.extension}"
    folder, kind, commit_id = repo_disk.path(uow, repo), repo.repo_type, commit.raw_id
    chunks = lambda: _produce(folder, kind, commit_id, stem, fmt)  # noqa: E731
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


def _produce(folder: Path, kind: str, commit_id: str, stem: str, fmt: ArchiveFormat):
    """The archive from the VCS layer. A repository object of its own: the bytes are read in
    another thread than the one that prepared the download (Mercurial's are not thread-safe)."""
    try:
        yield from vcs.open_repository(folder, kind).archive(commit_id, fmt.kind, stem)
    except vcs.VCSError as exc:
        raise ArchiveFailed(f"archive of {commit_id} in {folder} failed: {exc}") from exc
