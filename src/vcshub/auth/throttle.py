"""Slowing down repeated failed logins from one address.

The counts live in the database (``login_failures``), not in a process: with several worker
processes, or nodes, a guesser whose attempts are spread over them would otherwise get each
one's free attempts, and a success seen by one would not clear the others' counts. The cost on
the path every authenticated git/hg/web request takes is one primary-key read (:meth:`delay`)
and one more on success (:meth:`succeeded` deletes only when there is something to delete, so
a success is no write). Writes happen on failures only.

The window starts at an address's first failure and lasts ``window_seconds``; a failure after
it starts a new window.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool

from vcshub.db.engine import writer_engine
from vcshub.db.models import LoginFailure

_TABLE = LoginFailure.__table__


class LoginThrottle:
    def __init__(
        self,
        engine: Engine,
        free_attempts: int = 5,
        window_seconds: float = 300.0,
        max_delay: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self._writer = writer_engine(engine)
        self.free_attempts = free_attempts
        self.window = window_seconds
        self.max_delay = max_delay
        self._clock = clock

    def _failures(self, ip: str) -> int:
        cutoff = self._clock() - self.window
        with self._engine.connect() as conn:
            return conn.scalar(
                select(_TABLE.c.failures)
                .where(_TABLE.c.address == ip[:64])
                .where(_TABLE.c.first_at > cutoff)
            ) or 0

    def delay(self, ip: str) -> float:
        """Seconds to wait before answering this address: grows with each failure past the free ones."""
        excess = self._failures(ip) - self.free_attempts
        return 0.0 if excess < 0 else min(self.max_delay, 0.5 * (excess + 1))

    async def pause(self, ip: str) -> None:
        """Wait as long as :meth:`delay` says, without holding the event loop for the read."""
        delay = await run_in_threadpool(self.delay, ip)
        if delay:
            await asyncio.sleep(delay)

    def failed(self, ip: str) -> None:
        now = self._clock()
        cutoff = now - self.window
        insert = (postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert)
        fresh = _TABLE.c.first_at <= cutoff
        statement = insert(_TABLE).values(address=ip[:64], failures=1, first_at=now, last_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[_TABLE.c.address],
            set_={
                "failures": case((fresh, 1), else_=_TABLE.c.failures + 1),
                "first_at": case((fresh, now), else_=_TABLE.c.first_at),
                "last_at": now,
            },
        )
        with self._writer.begin() as conn:
            conn.execute(statement)
            # bounds the table under a spray of addresses: rows past their window count nothing
            conn.execute(delete(_TABLE).where(_TABLE.c.last_at <= cutoff))

    def succeeded(self, ip: str) -> None:
        if not self._has_row(ip):
            return
        with self._writer.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.address == ip[:64]))

    def _has_row(self, ip: str) -> bool:
        with self._engine.connect() as conn:
            return conn.scalar(select(_TABLE.c.address).where(_TABLE.c.address == ip[:64])) is not None
