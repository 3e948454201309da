"""Slowing down repeated failed logins from one address.

The counts live in this process only; losing them (restart, another worker) merely resets the
delay, which is safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class LoginThrottle:
    def __init__(
        self,
        free_attempts: int = 5,
        window_seconds: float = 300.0,
        max_delay: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_attempts = free_attempts
        self.window = window_seconds
        self.max_delay = max_delay
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, ip: str) -> list[float]:
        cutoff = self._clock() - self.window
        stamps = [t for t in self._failures.get(ip, []) if t > cutoff]
        self._failures[ip] = stamps
        return stamps

    def delay(self, ip: str) -> float:
        """Seconds to wait before answering this address: grows with each failure past the free ones."""
        with self._lock:
            excess = len(self._recent(ip)) - self.free_attempts
        return 0.0 if excess < 0 else min(self.max_delay, 0.5 * (excess + 1))

    def failed(self, ip: str) -> None:
        with self._lock:
            self._recent(ip).append(self._clock())
            if len(self._failures) > 10_000:  # bound memory under a spray of addresses
                self._failures = {k: v for k, v in self._failures.items() if v}

    def succeeded(self, ip: str) -> None:
        with self._lock:
            self._failures.pop(ip, None)
