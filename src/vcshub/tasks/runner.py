"""Runs periodic jobs inside the server process, each in a worker thread.

With several worker processes (or nodes on one data directory), one process runs them: the
one holding the data directory's ``periodic-jobs.lock`` (``flock``, kept for the process's
life and dropped by the kernel when it dies; the others try again each round, so one of them
takes over). Two processes expiring the same gists at once would race to delete them.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], object]


class PeriodicRunner:
    def __init__(self, jobs: list[PeriodicJob], lock_file: Path) -> None:
        self.jobs = jobs
        self._lock_file = lock_file
        self._lock_fd: int | None = None
        self._tasks: list[asyncio.Task] = []

    def leads(self) -> bool:
        """Whether this process runs the jobs (takes the lock when it is free)."""
        if self._lock_fd is None:
            fd = os.open(self._lock_file, os.O_CREAT | os.O_RDWR, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._lock_fd = fd
        return True

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(job)) for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    async def _loop(self, job: PeriodicJob) -> None:
        while True:
            try:
                if self.leads():
                    await run_in_threadpool(job.run)
            except Exception:  # a failing job must not stop the others or the server
                log.exception("periodic job %s failed", job.name)
            await asyncio.sleep(job.every_seconds)
