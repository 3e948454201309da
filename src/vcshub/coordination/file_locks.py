"""The local backend: ``flock`` on files in the data directory and in each repository.

Right for one machine (every worker process, the SSH server, the console commands): the kernel
drops a dead process's locks at once. Not for several machines: ``flock`` over NFS is not
reliable, which is what the Redis backend (:mod:`vcshub.coordination.redis_locks`) is for.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from vcshub.coordination.bookkeeping_files import FileBookkeepingMarks
from vcshub.coordination.interface import BookkeepingMarks, Coordination, Leadership, Semaphore

MUTEX_NAME = "vcshub-mutex.lock"
RETRY = 0.05  # seconds between attempts of a lock that waits with a timeout


def _mutex_file(folder: Path) -> Path:
    # inside the repository's own folder, where git and hg never look (a bare git repository
    # is its folder; hg keeps its files under .hg)
    hg = folder / ".hg"
    return hg / MUTEX_NAME if hg.is_dir() else folder / MUTEX_NAME


def _open(path: Path) -> int:
    return os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)


def _take(fd: int, mode: int, timeout: float | None) -> bool:
    if timeout is None:
        fcntl.flock(fd, mode)
        return True
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
        time.sleep(RETRY)


@contextlib.contextmanager
def _held(path: Path, mode: int, timeout: float | None) -> Iterator[bool]:
    try:
        fd = _open(path)
    except FileNotFoundError:  # the repository is gone: nothing to keep apart
        yield False
        return
    try:
        yield _take(fd, mode, timeout)
    finally:
        os.close(fd)  # releases the lock


class FileLeadership(Leadership):
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._lock = threading.Lock()  # the jobs' loops ask from several threads

    def leads(self) -> bool:
        with self._lock:
            return self._leads()

    def _leads(self) -> bool:
        if self._fd is None:
            fd = _open(self._path)
            if not _take(fd, fcntl.LOCK_EX, 0):
                os.close(fd)
                return False
            self._fd = fd  # kept for the process's life
        return True

    def resign(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


class FileSemaphore(Semaphore):
    """A place is an exclusive ``flock`` on one of ``size`` files in a folder."""

    def __init__(self, folder: Path, size: int) -> None:
        self._folder = folder
        self._size = size

    @contextlib.contextmanager
    def slot(self) -> Iterator[bool]:
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for number in range(self._size):
            fd = _open(self._folder / f"slot-{number}")
            if not _take(fd, fcntl.LOCK_EX, 0):
                os.close(fd)
                continue
            try:
                yield True
            finally:
                os.close(fd)  # gives the place back
            return
        yield False


class FileCoordination(Coordination):
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._marks: FileBookkeepingMarks | None = None

    @contextlib.contextmanager
    def exclusive(self, folder: Path, timeout: float | None) -> Iterator[bool]:
        with _held(_mutex_file(folder), fcntl.LOCK_EX, timeout) as held:
            yield held

    @contextlib.contextmanager
    def shared(self, folder: Path, timeout: float | None) -> Iterator[bool]:
        with _held(_mutex_file(folder), fcntl.LOCK_SH, timeout) as held:
            yield held

    def leadership(self, name: str) -> Leadership:
        return FileLeadership(self._data_dir / f"{name}.lock")

    def semaphore(self, name: str, size: int) -> Semaphore:
        return FileSemaphore(self._data_dir / name, size)

    def bookkeeping_marks(self) -> BookkeepingMarks:
        if self._marks is None:
            self._marks = FileBookkeepingMarks(self._data_dir / "push-bookkeeping")
        return self._marks
