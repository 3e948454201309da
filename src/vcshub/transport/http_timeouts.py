"""A time limit on silent clients, for every HTTP request the server reads.

uvicorn closes a connection that stays idle *between* requests (``timeout_keep_alive``), but
not one that sends half a request head and stops, nor a request that announces a body and
never sends it: those wait forever. Each holds a socket, and a request whose body a worker
thread reads (hgweb) held that thread too. This protocol closes the connection when the client
has been silent for ``request_timeout`` seconds while the server waits for its request head or
body; the application then sees ``http.disconnect``.

Only silence that is the client's counts: while the application has paused reading (it has
body bytes it has not consumed yet), or the client waits for ``100 Continue``, or the request
is fully in and the server is answering, the clock does not run.
"""

from __future__ import annotations

import functools

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose client goes silent mid-request."""

    def __init__(self, *args, request_timeout: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._request_timeout = request_timeout
        # checked this often: a connection is closed within request_timeout + _step of silence
        self._step = max(0.25, min(5.0, request_timeout / 4))
        self._last_heard = 0.0
        self._waiting_since: float | None = None  # first check that found us waiting
        self._silence_check = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._last_heard = self._waiting_since = self.loop.time()
        self._silence_check = self.loop.call_later(self._step, self._check_silence)

    def connection_lost(self, exc) -> None:
        if self._silence_check is not None:
            self._silence_check.cancel()
            self._silence_check = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._last_heard = self.loop.time()
        super().data_received(data)

    def _check_silence(self) -> None:
        self._silence_check = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        if not self._waiting_for_client():
            self._waiting_since = None
        elif self._waiting_since is None:
            self._waiting_since = now
        # Silence counts from the later of the last bytes and the moment we began waiting, so
        # a client is never blamed for time the server spent answering or not reading.
        silent_since = None if self._waiting_since is None else max(self._last_heard, self._waiting_since)
        if silent_since is None or now - silent_since < self._request_timeout:
            self._silence_check = self.loop.call_later(self._step, self._check_silence)
            return
        self.logger.info(
            "closing connection from %s: no request data for %ss",
            "%s:%d" % self.client if self.client else "?", self._request_timeout,
        )
        self.transport.close()  # connection_lost tells the application (http.disconnect)

    def _waiting_for_client(self) -> bool:
        state = self.conn.their_state
        if state is h11.IDLE:
            # between requests (uvicorn's keep-alive timer may be shorter) or in a request head
            return self.conn.our_state is h11.IDLE
        if state is h11.SEND_BODY:
            cycle = self.cycle
            return (
                cycle is not None
                and not cycle.response_complete
                and not cycle.waiting_for_100_continue
                and not self.flow.read_paused
            )
        return False


def guarded_h11(request_timeout: float):
    """The protocol factory to give uvicorn as ``http`` (picklable, for worker processes)."""
    return functools.partial(GuardedH11Protocol, request_timeout=request_timeout)
