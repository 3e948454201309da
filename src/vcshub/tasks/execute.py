"""Carrying out one task by its id, the same way in a server's threads and in a Celery worker.

:meth:`TaskExecutor.run` claims the row (a task told twice runs once), runs the catalog's
body with no transaction of its own open, and records the outcome. A heartbeat thread writes,
every quarter of ``task_stale_seconds``, that this process is alive (`vcshub status` lists it)
and still on its tasks; a process that dies stops beating and the sweep (tasks/sweep.py)
notices.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import traceback

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from vcshub import __version__
from vcshub.config import Settings
from vcshub.services import exception_store, tasks
from vcshub.services.errors import DomainError
from vcshub.services.unit_of_work import unit_of_work
from vcshub.tasks.catalog import CATALOG, TaskContext
from vcshub.vcs import VCSError

log = logging.getLogger(__name__)
# What a task body may raise on purpose or through what it uses; anything else is a bug and
# is also kept in the exception store.
EXPECTED = (DomainError, VCSError, OSError, SQLAlchemyError, PermissionError)


def node_name(kind: str) -> str:
    return f"{socket.gethostname()}:{kind}:{os.getpid()}"


class TaskExecutor:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings, kind: str) -> None:
        self.sessions = sessions
        self.settings = settings
        self.kind = kind
        self.node = node_name(kind)
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beating: threading.Thread | None = None
        self._period = max(settings.task_stale_seconds / 4, 0.25)

    def start(self) -> None:
        self._stop.clear()
        self._beating = threading.Thread(target=self._beat_forever, name="vcshub-task-heartbeat",
                                         daemon=True)
        self._beating.start()

    def stop(self) -> None:
        self._stop.set()
        if self._beating is not None:
            self._beating.join(self._period * 2)
            self._beating = None

    def running(self) -> list[str]:
        with self._lock:
            return sorted(self._running)

    def run(self, task_id: str) -> None:
        """Claim and carry out ``task_id``; returns when it is recorded done or failed."""
        with unit_of_work(self.sessions, self.settings) as uow:
            task = tasks.claim(uow, task_id, self.node)
            if task is None:
                return  # taken by another process, finished, or gone
            name, arguments, user_id = task.name, json.loads(task.arguments), task.user_id
            attempts = task.attempts
        kind = CATALOG.get(name)
        context = TaskContext(self.sessions, self.settings, user_id)
        with self._lock:
            self._running.add(task_id)
        try:
            if kind is None:
                raise LookupError(f"no task is called {name!r}")
            result = kind.run(context, **arguments)
        except EXPECTED as exc:
            self._failed(task_id, kind, context, arguments, f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # a bug in a task: recorded, kept, never a dead runner thread
            exception_store.record(self.settings, exc, where=f"task {name} {task_id}")
            self._failed(task_id, kind, context, arguments, f"{type(exc).__name__}: {exc}",
                         traceback.format_exc())
        else:
            with unit_of_work(self.sessions, self.settings) as uow:
                tasks.finish(uow, task_id, result, forget_arguments=kind.secret_arguments)
            log.info("task %s (%s) done after %d attempt(s): %s", task_id, name, attempts, result)
        finally:
            with self._lock:
                self._running.discard(task_id)

    def _failed(self, task_id, kind, context, arguments, reason: str, details: str = "") -> None:
        log.warning("task %s failed: %s%s", task_id, reason, f"\n{details}" if details else "")
        try:
            # first where users look (a repository in error), so that whoever sees the task
            # failed sees that too
            if kind is not None and kind.on_failure is not None:
                kind.on_failure(context, reason, **arguments)
        finally:
            with unit_of_work(self.sessions, self.settings) as uow:
                tasks.fail(uow, task_id, reason,
                           forget_arguments=kind is not None and kind.secret_arguments)

    def beat(self) -> None:
        with unit_of_work(self.sessions, self.settings) as uow:
            tasks.beat(uow, self.node, self.kind, __version__, self.running())

    def _beat_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
            except SQLAlchemyError:  # the database is away: the next beat tries again
                log.warning("task heartbeat failed", exc_info=True)
            self._stop.wait(self._period)
