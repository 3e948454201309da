"""Housekeeping after pushes, off the request path: one thread of its own works through the
repositories pushes have touched, one at a time.

A push asks for it once its bookkeeping is done (:meth:`Housekeeper.after_push`); the
repository then waits in a queue, once however many pushes ask, until no push to it is running
in this process (:meth:`Housekeeper.pushing` counts them), and is housekept by
:func:`vcshub.services.housekeeping.housekeep_folder`, which skips it when another process holds
it. What was done (git: a repack with a bitmap when due, the commit-graph; hg: its caches) and
how long it took is logged. Requests never wait for any of it, and no request thread does it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from vcshub.services import housekeeping
from vcshub.services.errors import StorageError

log = logging.getLogger(__name__)
RETRY_AFTER = 0.2  # seconds a repository waits when a push to it is still running
_STOP = object()


class Housekeeper:
    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._queued: set[Path] = set()
        self._busy = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="vcshub-housekeeper", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the repository in hand (a repack is not cut off) and stop."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    @contextlib.contextmanager
    def pushing(self, folder: Path) -> Iterator[None]:
        """Mark a push to ``folder`` as running: its housekeeping waits for the end."""
        with housekeeping.push_in_progress(folder):
            yield

    def after_push(self, folder: Path, kind: str) -> None:
        """Queue ``folder`` for housekeeping unless it is queued already. Never blocks."""
        with self._lock:
            if folder in self._queued:
                return
            self._queued.add(folder)
        self._queue.put((folder, kind))

    def idle(self) -> bool:
        """Nothing queued and nothing in hand (for tests and the shutdown log)."""
        with self._lock:
            return not self._queued and not self._busy

    def pending(self) -> int:
        """Repositories waiting for housekeeping (the metrics' queue length)."""
        with self._lock:
            return len(self._queued)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            folder, kind = item
            pushing = housekeeping.push_running(folder)
            if not pushing:
                with self._lock:
                    self._queued.discard(folder)
                    self._busy = True
            if pushing:  # back of the queue; a push rarely lasts long, the queue is short
                time.sleep(RETRY_AFTER)
                self._queue.put(item)
                continue
            try:
                self._housekeep(folder, kind)
            finally:
                with self._lock:
                    self._busy = False

    @staticmethod
    def _housekeep(folder: Path, kind: str) -> None:
        started = time.perf_counter()
        try:
            actions = housekeeping.housekeep_folder(folder, kind)
        except StorageError:
            log.exception("housekeeping of %s failed", folder)
            return
        took = time.perf_counter() - started
        if actions is None:
            log.info("housekeeping of %s skipped: another process is at it", folder)
        else:
            log.info("housekeeping of %s in %.2f s: %s", folder, took, "; ".join(actions) or "nothing due")
