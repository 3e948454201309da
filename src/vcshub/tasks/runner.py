"""Runs periodic jobs inside the server process, each in a worker thread.

With several worker processes (or nodes), one process runs them: the one that holds the
installation's "periodic-jobs" leadership (:mod:`vcshub.coordination`: kept for the process's
life, freed when it dies — at once locally, after the lease's TTL with Redis; the others ask
again each round, so one of them takes over). Two processes expiring the same gists at once
would race to delete them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from vcshub.coordination import Leadership

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], object]


class PeriodicRunner:
    def __init__(self, jobs: list[PeriodicJob], leadership: Leadership) -> None:
        self.jobs = jobs
        self._leadership = leadership
        self._tasks: list[asyncio.Task] = []

    def leads(self) -> bool:
        """Whether this process runs the jobs (takes the leadership when it is free)."""
        return self._leadership.leads()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(job)) for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._leadership.resign()

    async def _loop(self, job: PeriodicJob) -> None:
        while True:
            try:
                if await run_in_threadpool(self.leads):  # a Redis round trip: not on the loop
                    await run_in_threadpool(job.run)
            except Exception:  # a failing job must not stop the others or the server
                log.exception("periodic job %s failed", job.name)
            await asyncio.sleep(job.every_seconds)
