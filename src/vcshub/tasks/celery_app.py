"""Celery as the task runner, when ``task_broker_url`` is set (Redis or RabbitMQ).

The broker carries only task ids: the row in the database is the task (services/tasks.py).
Messages are acknowledged as a worker receives them, not when it finishes: a worker killed in
the middle loses its message, its heartbeat goes stale, and the sweep (tasks/sweep.py) marks
the attempt failed and sends the task again when that is safe, to whichever worker comes
back. The embedded runner recovers the same way, so one set of tests covers both; and a
broker that redelivers unacknowledged messages after its own timeout (Redis' one hour) could
only have added a second copy of what the sweep already does.

Web processes only send (:class:`CeleryDispatcher`); `vcshub worker` (:func:`run_worker`)
starts a Celery worker whose one Celery task runs a task id with the application's settings.
"""

from __future__ import annotations

import logging

from celery import Celery
from kombu.exceptions import KombuError
from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.services import tasks
from vcshub.tasks.execute import TaskExecutor

log = logging.getLogger(__name__)
CELERY_TASK = "vcshub.run_task"
QUEUE = "vcshub"
# Sending must never hold a request up for long: a broker that is away loses the message,
# and the sweep sends the task again once it is back.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def make_app(settings: Settings) -> Celery:
    app = Celery("vcshub", broker=settings.task_broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=False,
        worker_prefetch_multiplier=1,  # a long clone does not hold back tasks queued behind it
        task_ignore_result=True,  # the outcome is on the row
        task_default_queue=QUEUE,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


class CeleryDispatcher:
    """Tells the broker about committed tasks (in web processes and in workers, whose tasks
    may submit others)."""

    def __init__(self, settings: Settings, executor: TaskExecutor | None = None) -> None:
        self.app = make_app(settings)
        self._executor = executor  # beats for this process only: it runs no task itself

    def start(self) -> None:
        tasks.listen(self.dispatch)
        if self._executor is not None:
            self._executor.start()

    def stop(self, wait: bool = False) -> None:
        tasks.forget(self.dispatch)
        if self._executor is not None:
            self._executor.stop()

    def dispatch(self, task_id: str) -> None:
        try:
            self.app.send_task(CELERY_TASK, args=[task_id], queue=QUEUE, retry=True,
                               retry_policy=PUBLISH_RETRY)
        except (KombuError, OSError):
            log.warning("the task broker is unreachable; task %s waits for the sweep", task_id)


def run_worker(settings: Settings, sessions: sessionmaker[Session], concurrency: int) -> None:
    """Run a Celery worker (threads: tasks wait on git, hg and the network, not on Python)."""
    app = make_app(settings)
    executor = TaskExecutor(sessions, settings, "worker")

    @app.task(name=CELERY_TASK, ignore_result=True)
    def run_task(task_id: str) -> None:
        executor.run(task_id)

    dispatcher = CeleryDispatcher(settings)  # for tasks that submit others
    dispatcher.start()
    executor.start()
    try:
        app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}",
                         f"--queues={QUEUE}", f"--loglevel={settings.log_level.upper()}",
                         "--without-gossip", "--without-mingle", "--without-heartbeat"])
    finally:
        executor.stop()
        dispatcher.stop()
