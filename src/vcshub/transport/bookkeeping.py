"""When a push's bookkeeping runs: after the client has its answer, without anyone noticing.

The journal entry, the refreshed summary and a released lock cost a push 30–250 ms (a
commit-index update, a walk of the new commits, a database commit). The client does not need
to wait for them: its push is on disk once git or hg has answered. Everyone else must see them
at once, though (get_repo shows the new head, the pusher's next pull finds its lock released),
so every request that arrives while some bookkeeping runs waits for it first
(:class:`WaitForBookkeeping`) — the requests that arrive while a push is still transferring do
not, they could wait minutes.

The promise holds across processes: the bookkeeping is announced through the installation's
:class:`vcshub.coordination.BookkeepingMarks` before the response ends, so the client's next
request waits for it in whichever worker process (with Redis: whichever node) it reaches.
A request waits for the bookkeeping announced before it arrived, at most LONGEST_WAIT; one
whose process died counts as done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from vcshub.coordination import BookkeepingMarks
from vcshub.transport.requests import PUSH, classify

log = logging.getLogger(__name__)
# Bookkeeping that takes longer than this (a database that hangs) stops holding requests up.
LONGEST_WAIT = 10.0
POLL = 0.002


class PushBookkeeping:
    """Push bookkeeping of this process, announced to all; thread-safe (hg's runs in hgweb's
    threads)."""

    def __init__(self, marks: BookkeepingMarks) -> None:
        self.marks = marks

    def begin(self) -> object:
        """Announce bookkeeping; call before the response ends, so the client's next request waits."""
        return self.marks.begin()

    def end(self, mark: object) -> None:
        self.marks.end(mark)

    def pending(self) -> bool:
        return self.marks.pending()

    async def settled(self) -> None:
        """Wait until the bookkeeping announced before this call is done."""
        waiting = self.marks.announced()
        if not waiting:
            return
        deadline = asyncio.get_running_loop().time() + LONGEST_WAIT
        while self.marks.still_pending(waiting):
            if asyncio.get_running_loop().time() > deadline:
                log.warning("requests stopped waiting for push bookkeeping after %ss", LONGEST_WAIT)
                return
            await asyncio.sleep(POLL)

    async def finish(
        self, end_response: Callable[[], Awaitable[None]], bookkeeping: Callable[[], None]
    ) -> None:
        """End the response, then run ``bookkeeping`` (blocking, in a thread), announced before
        the end. The bookkeeping runs whatever the client does."""
        mark = self.begin()
        try:
            try:
                await end_response()
            finally:
                await run_in_threadpool(bookkeeping)
        finally:
            self.end(mark)

    async def run(self, bookkeeping: Callable[[], None]) -> None:
        """Run ``bookkeeping`` in a thread now; requests arriving meanwhile wait for it."""
        mark = self.begin()
        try:
            await run_in_threadpool(bookkeeping)
        finally:
            self.end(mark)


class WaitForBookkeeping:
    """ASGI middleware: an HTTP request first waits for the push bookkeeping in progress.

    Except the VCS requests that neither push, send repository data nor may take a lock (hg's
    ``listkeys`` that ends every hg push, say): they read the repository, not what the
    bookkeeping writes — at worst they meet a lock that is about to be released.
    """

    def __init__(self, app: ASGIApp, bookkeeping: PushBookkeeping) -> None:
        self.app = app
        self.bookkeeping = bookkeeping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.bookkeeping.pending() and _waits(scope):
            await self.bookkeeping.settled()
        await self.app(scope, receive, send)


def _waits(scope: Scope) -> bool:
    request = Request(scope)
    wanted = classify(request.method, request.url.path, request.query_params)
    # requests that may take a lock must see the release a push's bookkeeping makes
    return wanted is None or wanted.action == PUSH or wanted.transfers_data or wanted.locks
