"""Which runner a process uses, chosen once from the settings: Celery when a broker is
configured (tasks/celery_app.py), else the embedded threads (tasks/embedded.py)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.tasks.embedded import EmbeddedRunner
from vcshub.tasks.execute import TaskExecutor


class TaskRunner(Protocol):
    def start(self) -> None: ...
    def stop(self, wait: bool = False) -> None: ...
    def dispatch(self, task_id: str) -> None: ...


def build_runner(sessions: sessionmaker[Session], settings: Settings) -> TaskRunner:
    # The executor also beats for the process itself (`vcshub status` lists the web nodes).
    executor = TaskExecutor(sessions, settings, "web")
    if settings.task_broker_url:
        from vcshub.tasks.celery_app import CeleryDispatcher  # Celery loads only when used

        return CeleryDispatcher(settings, executor)
    return EmbeddedRunner(executor, settings.task_concurrency)
