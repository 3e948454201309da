"""One unit of work: a database transaction plus the disk changes made alongside it.

The outermost boundary (an API request, a CLI command) opens it; services only flush, except
the few that wait on something slow (a clone or pull from a remote, a fork): they commit their
checks, do the slow part with no transaction open, and go on in a new transaction (see
services/repos.py), so that no write lock or pooled connection waits on a remote. Disk
changes register an undo step, run in reverse order when the unit fails, so that a failed
operation leaves both the database and the repository storage as they were.

The boundary also says whether the unit will write. A writer queues for the database's write
lock when it begins (SQLite's BEGIN IMMEDIATE, see db/engine.py) instead of failing at its first
write when another writer got there first; a reader never waits for writers. Writing is the
default, because a writer declared as a reader fails under load while a reader declared as a
writer is only slower: boundaries that only read (web pages, the API's get_* methods,
the git/hg admission check) say so. The other way out, retrying a whole unit that met
SQLITE_BUSY, was not taken: units also change the disk and may call remotes, and replaying them
is neither cheap nor always safe.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from vcshub.config import Settings
from vcshub.db import audit_trail
from vcshub.db.models import User
from vcshub.db.engine import writer_engine

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

    def acting(self, via: str, user: User | None, ip: str | None) -> None:
        """Who acts in this unit and how he came in (api, web, vcs, cli), for the audit trail
        (db/audit_trail.py): each adapter says it once it has authenticated the request."""
        audit_trail.set_origin(self.db, audit_trail.Origin(
            via, user.user_id if user is not None else None,
            user.username if user is not None else None, ip,
        ))

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


def open_session(sessions: sessionmaker[Session], *, writes: bool = True) -> Session:
    """A session for a writer (its transactions queue for the write lock) or a reader."""
    if not writes:
        return sessions()
    return sessions(bind=writer_engine(sessions.kw["bind"]))


@contextlib.contextmanager
def unit_of_work(
    sessions: sessionmaker[Session],
    settings: Settings,
    clock: Callable[[], float] = time.time,
    *,
    writes: bool = True,
) -> Iterator[UnitOfWork]:
    """Commit when the block succeeds, roll back database and disk when it raises.

    ``writes=False`` for a unit that only reads (see the module's docstring).
    """
    with open_session(sessions, writes=writes) as session:
        uow = UnitOfWork(db=session, settings=settings, clock=clock)
        try:
            yield uow
        except BaseException:
            uow.rollback()
            raise
        else:
            uow.commit()
