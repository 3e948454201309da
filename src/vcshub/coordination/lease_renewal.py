"""Keeps this process's Redis leases alive while it holds them.

Every lease has a TTL, so that a process that dies (killed, its machine gone) frees what it
held once the TTL has run out. A live holder must not lose it meanwhile: one thread per process
renews every lease it holds each third of the TTL. A lease that could not be renewed (Redis
unreachable longer than the TTL, a process frozen) is logged: its holder may have lost it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

import redis

log = logging.getLogger(__name__)


class LeaseRenewal:
    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._renewals: dict[int, Callable[[], bool]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._ids = 0

    def keep(self, renew: Callable[[], bool]) -> int:
        """Renew with ``renew`` until :meth:`drop`; an id to drop it with."""
        with self._lock:
            self._ids += 1
            self._renewals[self._ids] = renew
            if self._thread is None or self._pid != os.getpid():  # none yet, or forked
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="vcshub-leases", daemon=True)
                self._thread.start()
            return self._ids

    def drop(self, lease: int) -> None:
        with self._lock:
            self._renewals.pop(lease, None)

    def stop(self) -> None:
        with self._lock:
            self._renewals.clear()
            self._thread = None
        self._wake.set()

    def _run(self) -> None:
        me = threading.current_thread()
        while not self._wake.wait(self._interval):
            with self._lock:
                if self._thread is not me:
                    return
                renewals = list(self._renewals.items())
            for lease, renew in renewals:
                try:
                    kept = renew()
                except redis.RedisError as exc:
                    log.warning("could not renew a lease: %s", exc)
                    continue
                if not kept:
                    log.warning("a lease expired before it was renewed; its holder may have lost it")
                    self.drop(lease)
        self._wake.clear()
