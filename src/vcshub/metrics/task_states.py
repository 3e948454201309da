"""The background tasks in the metrics: how many are queued, running, done and failed, and
the processes that beat recently, read from the database at scrape time.

A task's row is the truth whichever runner carries it out (services/tasks.py), so the figure
is the cluster's, the same whichever process is scraped: a scrape collector, not a per-process
gauge (metrics/exposition.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.services import tasks
from vcshub.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
SEEN_WITHIN = dt.timedelta(minutes=2)


class TaskStates:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings

    def collect(self) -> Iterator[Metric]:
        try:
            with unit_of_work(self._sessions, self._settings, writes=False) as uow:
                counts = tasks.counts(uow)
                processes = tasks.processes_seen(uow, SEEN_WITHIN)
        except SQLAlchemyError:  # the database is away: the scrape shows the rest
            log.warning("task figures could not be read for the metrics", exc_info=True)
            return
        by_state = GaugeMetricFamily("vcshub_tasks", "Background tasks by state",
                                     labels=["state"])
        for state, count in counts.items():
            by_state.add_metric([state], count)
        yield by_state
        seen = GaugeMetricFamily("vcshub_processes_seen",
                                 "Server and worker processes that beat in the last 2 minutes",
                                 labels=["kind"])
        for kind in ("web", "worker"):
            seen.add_metric([kind], sum(1 for node in processes if node.kind == kind))
        yield seen
