"""One unit of work: a database transaction plus the disk changes made alongside it.

The outermost boundary (an API request, a CLI command) opens it; services only flush. Disk
changes register an undo step, run in reverse order when the unit fails, so that a failed
operation leaves both the database and the repository storage as they were.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings

log = logging.getLogger(__name__)


@dataclass
class UnitOfWork:
    db: Session
    settings: Settings
    clock: Callable[[], float] = time.time
    _undo: list[Callable[[], None]] = field(default_factory=list)
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # What opens sealed tokens for serializers that see only ORM objects (auth/token_seal.py).
        self.db.info.setdefault("settings", self.settings)

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Register how to undo a disk change if the unit fails."""
        self._undo.append(undo)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the transaction is committed (e.g. finish moving a folder aside)."""
        self._after_commit.append(action)

    def rollback(self) -> None:
        self.db.rollback()
        for undo in reversed(self._undo):
            try:
                undo()
            except Exception:  # an undo that fails must not hide the original error
                log.exception("undo step failed")
        self._undo.clear()
        self._after_commit.clear()

    def commit(self) -> None:
        self.db.commit()
        self._undo.clear()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                action()
            except Exception:
                log.exception("post-commit step failed")


@contextlib.contextmanager
def unit_of_work(
    sessions: sessionmaker[Session], settings: Settings, clock: Callable[[], float] = time.time
) -> Iterator[UnitOfWork]:
    """Commit when the block succeeds, roll back database and disk when it raises."""
    with sessions() as session:
        uow = UnitOfWork(db=session, settings=settings, clock=clock)
        try:
            yield uow
        except BaseException:
            uow.rollback()
            raise
        else:
            uow.commit()
