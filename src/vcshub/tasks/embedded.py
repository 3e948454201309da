"""The embedded runner: tasks run in a bounded pool of threads of the server process that
committed them (the default; no broker, one command on a laptop).

Honest about what it is: it survives nothing. A task running when its process stops (a
restart, a crash) stops with it; its heartbeat goes stale and the sweep (tasks/sweep.py) of
any server process marks it failed, and queues it again where that is safe. A task whose
telling was lost (the process died right after its commit) is found queued by the same sweep.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError

from vcshub.services import tasks
from vcshub.tasks.execute import TaskExecutor

log = logging.getLogger(__name__)


class EmbeddedRunner:
    def __init__(self, executor: TaskExecutor, concurrency: int) -> None:
        self.executor = executor
        self._concurrency = max(concurrency, 1)
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="vcshub-task")
        self.executor.start()
        tasks.listen(self.dispatch)

    def stop(self, wait: bool = False) -> None:
        """Stop taking tasks; ``wait`` for those running (a server's shutdown does not: they
        are interrupted, and the sweep says so)."""
        tasks.forget(self.dispatch)
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None
        self.executor.stop()

    def dispatch(self, task_id: str) -> None:
        if self._pool is None:
            return  # stopping: the sweep finds it queued
        self._pool.submit(self._run, task_id)

    def _run(self, task_id: str) -> None:
        try:
            self.executor.run(task_id)  # a task's own failures are recorded there
        except SQLAlchemyError:  # its row could not be claimed or closed: the sweep sees it
            log.exception("task %s could not be run", task_id)
