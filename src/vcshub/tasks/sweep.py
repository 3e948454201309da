"""Finding tasks whose process died, and tasks nobody was told about (a periodic job of the
one leading server process).

* Running, heartbeat older than ``task_stale_seconds``: the process that ran it is gone. The
  attempt is marked failed; a task that is safe to repeat (tasks/catalog.py) and has attempts
  left is queued again and sent anew, else its ``on_failure`` records the failure where users
  look (a pending repository turns to "error").
* Queued for longer than ``UNCLAIMED_AFTER``: its telling was lost (a process stopped right
  after committing it, the broker was away, the console submitted it). Sent again; a copy of
  a message that does arrive later finds the task claimed and does nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.services import tasks
from vcshub.services.unit_of_work import unit_of_work
from vcshub.tasks.catalog import CATALOG, TaskContext

log = logging.getLogger(__name__)
UNCLAIMED_AFTER = dt.timedelta(seconds=60)
FORGET_NODES_AFTER = dt.timedelta(days=1)


def sweep(sessions: sessionmaker[Session], settings: Settings,
          dispatch: Callable[[str], None] = tasks.dispatch) -> dict:
    stale_after = dt.timedelta(seconds=settings.task_stale_seconds)
    again: list[str] = []
    given_up = []
    with unit_of_work(sessions, settings) as uow:
        for task in tasks.stale(uow, stale_after):
            kind = CATALOG.get(task.name)
            retry = kind is not None and kind.retry_safe and task.attempts < tasks.MAX_ATTEMPTS
            tasks.interrupted(uow, task, again=retry,
                              forget_arguments=kind is not None and kind.secret_arguments)
            if retry:
                again.append(task.task_id)
            elif kind is not None and kind.on_failure is not None:
                given_up.append((kind, task.user_id, json.loads(task.arguments), task.node))
            log.warning("task %s (%s) was interrupted on %s%s", task.task_id, task.name,
                        task.node, "; queued again" if retry else "")
        resend = [task.task_id for task in tasks.unclaimed(uow, UNCLAIMED_AFTER)]
        tasks.forget_nodes(uow, FORGET_NODES_AFTER)
    for kind, user_id, arguments, node in given_up:
        kind.on_failure(TaskContext(sessions, settings, user_id),
                        f"interrupted: {node} stopped", **arguments)
    for task_id in again + resend:
        dispatch(task_id)
    return {"queued_again": again, "sent_again": resend, "given_up": len(given_up)}
