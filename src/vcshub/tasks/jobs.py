"""The jobs themselves. Each one is a boundary: it owns its unit of work."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.services import audit, gists, mirroring, tasks
from vcshub.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


def collect_expired_gists(
    sessions: sessionmaker[Session], settings: Settings, clock: Callable[[], float] = time.time
) -> list[str]:
    """Delete expired gists and their repositories; returns their access ids."""
    with unit_of_work(sessions, settings, clock) as uow:
        removed = gists.collect_expired(uow)
    if removed:
        log.info("removed %d expired gists", len(removed))
    return removed


def expire_audit_entries(
    sessions: sessionmaker[Session], settings: Settings, clock: Callable[[], float] = time.time
) -> int:
    """Remove audit entries past ``audit_retention_days``; returns how many."""
    now = dt.datetime.fromtimestamp(clock(), dt.UTC).replace(tzinfo=None)
    with unit_of_work(sessions, settings, clock) as uow:
        removed = audit.remove_older_than(uow, settings.audit_retention_days, now)
    if removed:
        log.info("removed %d audit entries older than %d days", removed,
                 settings.audit_retention_days)
    return removed


def submit_task(sessions: sessionmaker[Session], settings: Settings, name: str) -> str:
    """Queue a task without arguments (a periodic job's work); its id."""
    with unit_of_work(sessions, settings) as uow:
        return tasks.submit(uow, name, {}).task_id


def queue_due_mirrors(sessions: sessionmaker[Session], settings: Settings) -> list[int]:
    """Queue the pulls of the mirrors that are due (services/mirroring.py)."""
    with unit_of_work(sessions, settings) as uow:
        return mirroring.queue_due(uow)
