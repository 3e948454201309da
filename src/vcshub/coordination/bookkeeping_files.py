"""Push bookkeeping in progress on one machine, seen by every process: files and ``flock``.

Each bookkeeping holds two locks while it runs: a shared ``flock`` on one common file (so
:meth:`FileBookkeepingMarks.pending`, asked on every request, is one non-blocking exclusive
``flock`` of that file and its release: a few microseconds) and an exclusive one on a mark file
of its own, named by a unique token. A request that finds bookkeeping pending lists the marks
(what was announced before it) and waits for those alone: a mark is done when its file is gone
or its lock can be taken (its process died: the kernel dropped the lock; the file is removed).
The mark file is locked before it gets its name, so no one sees it unlocked while it runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from vcshub.coordination.interface import BookkeepingMarks

_COMMON = "pending.lock"
_PREFIX = "mark-"


@dataclass(frozen=True)
class _Mark:
    path: Path
    mark_fd: int
    common_fd: int


class FileBookkeepingMarks(BookkeepingMarks):
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._probe: int | None = None
        self._counter = itertools.count()
        self._lock = threading.Lock()  # the probe's fd is opened once

    def _common(self) -> Path:
        return self._folder / _COMMON

    def begin(self) -> _Mark:
        self._folder.mkdir(parents=True, exist_ok=True)
        token = f"{os.getpid()}-{next(self._counter)}-{secrets.token_hex(4)}"
        hidden, visible = self._folder / f"new-{token}", self._folder / f"{_PREFIX}{token}"
        mark_fd = os.open(hidden, os.O_CREAT | os.O_EXCL | os.O_RDWR | os.O_CLOEXEC, 0o644)
        fcntl.flock(mark_fd, fcntl.LOCK_EX)
        os.rename(hidden, visible)
        common_fd = os.open(self._common(), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
        fcntl.flock(common_fd, fcntl.LOCK_SH)  # probes hold it exclusively for microseconds only
        return _Mark(visible, mark_fd, common_fd)

    def end(self, mark: object) -> None:
        assert isinstance(mark, _Mark)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(mark.path)
        os.close(mark.mark_fd)
        os.close(mark.common_fd)

    def pending(self) -> bool:
        probe = self._probe
        if probe is None:
            with self._lock:
                if self._probe is None:
                    self._folder.mkdir(parents=True, exist_ok=True)
                    self._probe = os.open(self._common(), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
                probe = self._probe
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False

    def announced(self) -> frozenset:
        if not self.pending():
            return frozenset()
        with os.scandir(self._folder) as entries:
            return frozenset(e.name for e in entries if e.name.startswith(_PREFIX))

    def still_pending(self, marks: frozenset) -> bool:
        return any(self._running(name) for name in marks)

    def _running(self, name: str) -> bool:
        path = self._folder / name
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            return False  # ended
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            # its holder is gone without ending it (killed): the mark is removed for good
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            return False
        finally:
            os.close(fd)
