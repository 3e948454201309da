"""The jobs themselves. Each one is a boundary: it owns its unit of work."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.services import gists
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
