"""Background tasks and the processes that run them, shared by every node.

A task's row is the truth about it whichever runner carries it out (the embedded threads of a
server, or Celery workers): the broker only says "run task X" (tasks/celery_app.py). So the
state, the attempts, the error and who runs it are the same questions answered the same way
on both, and `vcshub status` reads them from one place.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vcshub.db.models.base import Base, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class TaskRun(Base):
    __tablename__ = "task_runs"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    state: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # JSON
    # The repository it makes or changes (a repository "being created" shows its task).
    repo_id: Mapped[int | None] = mapped_column(Integer, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # who asked; None: the system
    runner: Mapped[str] = mapped_column(String(16))  # embedded | celery
    node: Mapped[str | None] = mapped_column(String(255))  # the process running it
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    started_on: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_on: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Written every few seconds while it runs: a stale one means its process died.
    heartbeat_on: Mapped[dt.datetime | None] = mapped_column(DateTime)


class NodeProcess(Base):
    """A server or worker process, seen recently (`vcshub status`)."""

    __tablename__ = "node_processes"

    node: Mapped[str] = mapped_column(String(255), primary_key=True)  # host:pid
    kind: Mapped[str] = mapped_column(String(16))  # web | worker
    version: Mapped[str] = mapped_column(String(64))
    started_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    seen_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
