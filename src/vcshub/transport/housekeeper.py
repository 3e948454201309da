"""Housekeeping after pushes, off the request path: one thread of its own works through the
repositories pushes have touched, one at a time.

A push holds its repository's mutex shared while it writes (:meth:`Housekeeper.pushing`, waiting
for a housekeeping or merge under way) and asks for housekeeping once its bookkeeping is done
(:meth:`Housekeeper.after_push`); the repository then waits in a queue, once however many pushes
ask, and is housekept by :func:`vcshub.services.housekeeping.housekeep_folder`, which takes the
mutex exclusively only when nobody (no push, merge or run in any process) holds it: otherwise
the repository goes to the back of the queue and is tried again. What was done (git: a repack with a bitmap when due, the commit-graph; hg: its caches) and
how long it took is logged. Requests never wait for any of it, and no request thread does it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

from vcshub import coordination
from vcshub.services import housekeeping
from vcshub.services.errors import StorageError

log = logging.getLogger(__name__)
RETRY_AFTER = 0.2  # seconds a repository waits when a push to it is still running
# How long a push waits for the housekeeping or merge under way before it is refused.
PUSH_WAIT = 300.0
_STOP = object()


class Housekeeper:
    def __init__(self, shared_state: coordination.Coordination) -> None:
        self._shared_state = shared_state
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

    @contextlib.asynccontextmanager
    async def pushing(self, folder: Path, push: bool = True) -> AsyncIterator[bool]:
        """Hold ``folder`` for a push (shared with other pushes), waiting in a thread for a
        housekeeping or merge under way, at most PUSH_WAIT; yields False (the push must be
        refused) when it did not end by then. Holds nothing when not ``push``."""
        if not push:
            yield True
            return
        hold = self._shared_state.shared(folder, PUSH_WAIT)
        held = await asyncio.to_thread(hold.__enter__)
        try:
            yield held
        finally:
            hold.__exit__(None, None, None)

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
            with self._lock:
                self._queued.discard(folder)  # a push from now on asks again
                self._busy = True
            done = True
            try:
                done = self._housekeep(folder, kind)
            finally:
                with self._lock:
                    again = not done and folder not in self._queued and folder.exists()
                    if again:
                        self._queued.add(folder)
                    self._busy = False
            if again:  # back of the queue: a push or merge rarely lasts long, the queue is short
                time.sleep(RETRY_AFTER)
                self._queue.put(item)

    def _housekeep(self, folder: Path, kind: str) -> bool:
        """Housekeep ``folder`` unless someone holds it; whether it is done with."""
        started = time.perf_counter()
        try:
            actions = housekeeping.housekeep_folder(folder, kind, self._shared_state)
        except StorageError:
            log.exception("housekeeping of %s failed", folder)
            return True
        if actions is None:
            return False
        took = time.perf_counter() - started
        log.info("housekeeping of %s in %.2f s: %s", folder, took, "; ".join(actions) or "nothing due")
        return True
