"""The tantivy index on disk: its schema, the one writer at a time, and the readers.

One index for the whole instance (``Settings.search_index_dir``), three kinds of documents:
``file`` (a file at a repository's landing revision), ``commit`` (a commit's message and
author), and one ``state`` per repository (what is indexed: the landing commit, the content
id of every file, the ref heads), written in the same tantivy commit as the documents it
describes, so that an interrupted update is simply done again.

Documents carry the repository's id, never its name: a rename costs nothing, names are
resolved at query time from the database (services/search/query.py).

Writers: tantivy allows one per index and refuses a second one outright; with several worker
processes (and ``vcshub index`` beside them) the writers queue on a file lock instead.
Readers: each process keeps one open index and reloads it before each query, which is cheap
when nothing changed and shows a commit of another process at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import tantivy

# Bumped when the schema changes: a new folder is built, the old one is left behind.
SCHEMA_VERSION = 1
WRITER_HEAP = 64_000_000
FILE, COMMIT, STATE = "file", "commit", "state"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", tokenizer_name="raw")  # unique per document: delete by it
    builder.add_text_field("kind", tokenizer_name="raw")
    builder.add_integer_field("repo_id", stored=True, indexed=True, fast=True)
    # files
    builder.add_text_field("path", stored=True)  # words of the path: path search and ranking
    builder.add_text_field("extension", stored=True, tokenizer_name="raw")
    builder.add_text_field("content", stored=True)
    builder.add_integer_field("size", stored=True)
    builder.add_integer_field("lines", stored=True)
    # commits (and files: the landing commit they were read at)
    builder.add_text_field("commit_id", stored=True, tokenizer_name="raw")
    builder.add_integer_field("commit_idx", stored=True)
    builder.add_text_field("author", stored=True)
    builder.add_text_field("message", stored=True)
    builder.add_integer_field("date", stored=True)
    # commits sort by it: the date, then the position in history (commits of one second)
    builder.add_integer_field("newness", fast=True)
    builder.add_text_field("branch", stored=True, tokenizer_name="raw")
    # a repository's indexing state (JSON), never searched
    builder.add_bytes_field("state", stored=True, indexed=False)
    return builder.build()


SCHEMA = _schema()


def folder(base: Path) -> Path:
    return base / f"v{SCHEMA_VERSION}"


def open_index(base: Path) -> tantivy.Index:
    path = folder(base)
    if not (path / "meta.json").exists():
        with _writer_lock(base):  # two processes starting on a new data dir create it once
            return tantivy.Index(SCHEMA, path=str(path), reuse=True)
    return tantivy.Index(SCHEMA, path=str(path), reuse=True)


@contextlib.contextmanager
def _writer_lock(base: Path) -> Iterator[None]:
    path = folder(base)
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent / "writer.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def writer(base: Path, threads: int = 1) -> Iterator[tantivy.IndexWriter]:
    """The index's writer, once every other writer (any process) is done; what the block
    added is committed when it ends without an error, else rolled back."""
    with _writer_lock(base):
        index = tantivy.Index(SCHEMA, path=str(folder(base)), reuse=True)
        index_writer = index.writer(WRITER_HEAP * max(threads, 1), threads)
        try:
            yield index_writer
        except BaseException:
            index_writer.rollback()
            raise
        index_writer.commit()
        index_writer.wait_merging_threads()


class Readers:
    """One open index per folder in this process (reopening one costs milliseconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[Path, tantivy.Index] = {}

    def searcher(self, base: Path) -> tuple[tantivy.Index, tantivy.Searcher]:
        with self._lock:
            index = self._open.get(base)
            if index is None:
                index = self._open[base] = open_index(base)
        index.reload()  # what other threads or processes committed since the last query
        return index, index.searcher()


READERS = Readers()


def newness(timestamp: int, index: int) -> int:
    return timestamp * 1_048_576 + index % 1_048_576


def file_key(repo_id: int, path: str) -> str:
    return f"f\0{repo_id}\0{path}"


def commit_key(repo_id: int, commit_id: str) -> str:
    return f"c\0{repo_id}\0{commit_id}"


def state_key(repo_id: int) -> str:
    return f"s\0{repo_id}"
