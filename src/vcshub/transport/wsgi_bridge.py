"""Running a WSGI application (hgweb) under ASGI, built for long bodies in both directions.

The WSGI side runs in a worker thread and hands response pieces to the event loop without
waiting for each one (it only waits while WINDOW bytes are still unsent); the request body is
read ahead into a bounded buffer. A generic bridge (a2wsgi) waits for the loop at every piece,
two thread wake-ups each: on a busy machine that made hg clones ~1.5x slower than ``hg serve``.

A request gets a worker thread only once its body is in, or READ_AHEAD bytes of it are: the
threads are few, and a client that announces a body and sends nothing (or sends it slowly)
would otherwise hold one for as long as it likes; 17 of them stopped every hg clone. Waiting on
the event loop costs nothing, and the server closes connections whose client stays silent
(:mod:`vcshub.transport.http_timeouts`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from starlette.types import Receive, Scope, Send

from vcshub.transport.errors import ClientGone

WINDOW = 2 * 1024 * 1024  # response bytes handed to the loop and not sent yet
READ_AHEAD = 1024 * 1024  # request bytes received and not read by the application yet
WORKERS = 16
# The niceness of the threads that send repository data (clones, pulls): as the git processes
# that do it (vcshub.vcs.git_command.SERVING_NICENESS), so that many clones at once leave the
# CPU to the worker processes' API calls and pages first. Linux gives each thread its own.
SERVING_NICENESS = 10


def _lower_priority() -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SERVING_NICENESS)


class HgAsgi:
    """An ASGI application running a WSGI application (hgweb) in a pool of threads; requests
    for which ``serves_data(scope)`` is true go to a pool of their own at a lower CPU priority
    (a thread's priority cannot be raised again without privileges, so the pools are apart)."""

    def __init__(self, app, workers: int = WORKERS,
                 serves_data: Callable[[Scope], bool] = lambda scope: False) -> None:
        self._app = app
        self._serves_data = serves_data
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hgweb")
        self._serving = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hgweb-data",
                                           initializer=_lower_priority)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        executor = self._serving if self._serves_data(scope) else self._executor
        await _Exchange(scope, receive, send).run(self._app, executor)


class _Exchange:
    """One request: the WSGI side (``_call``, in a worker thread) and the ASGI side (tasks)."""

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._loop = asyncio.get_running_loop()
        self._scope = scope
        self._receive = receive
        self._send = send
        self._body = _RequestBody(self._loop)
        self._outbox: asyncio.Queue = asyncio.Queue()
        self._window = threading.Condition()
        self._unsent = 0  # guarded by _window
        self._gone = False  # guarded by _window
        self._ending = False  # the last message is on its way: a disconnect no longer matters
        self._response: tuple[str, list] | None = None
        self._headers_sent = False

    async def run(self, app, executor: ThreadPoolExecutor) -> None:
        sender = asyncio.create_task(self._sender())
        sender.add_done_callback(self._sender_done)
        reader = asyncio.create_task(self._read_request())
        call = contextvars.copy_context().run
        try:
            if not await self._body.arrived():
                raise ClientGone()
            await self._loop.run_in_executor(executor, call, self._call, app, self._environ())
            await sender
        except ClientGone:
            pass  # nobody left to answer
        finally:
            # a thread still at work (this request was cancelled) stops at its next step
            self._client_left()
            for task in (reader, sender):
                if not task.done():
                    task.cancel()
            await asyncio.gather(reader, sender, return_exceptions=True)

    # -- in the worker thread

    def _call(self, app, environ: dict) -> None:
        body = app(environ, self._start_response)
        try:
            for piece in body:
                self._write(piece)
            if self._response is None:
                raise RuntimeError("the WSGI application did not call start_response")
            self._send_headers()
            self._hand({"type": "http.response.body", "body": b"", "more_body": False}, 0)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    def _start_response(self, status: str, headers: list, exc_info=None):
        if exc_info is not None:
            try:
                if self._headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self._response is not None:
            raise AssertionError("start_response called twice without exc_info")
        self._response = (status, headers)
        return self._write

    def _write(self, data: bytes) -> None:
        if not data:
            return
        self._send_headers()
        self._hand({"type": "http.response.body", "body": bytes(data), "more_body": True}, len(data))

    def _send_headers(self) -> None:
        if self._headers_sent:
            return
        self._headers_sent = True
        status, headers = self._response
        self._hand(
            {
                "type": "http.response.start",
                "status": int(status.split(" ", 1)[0]),
                "headers": [
                    (name.strip().lower().encode("latin-1"), value.strip().encode("latin-1"))
                    for name, value in headers
                ],
            },
            0,
        )

    def _hand(self, message: dict, size: int) -> None:
        """Queue a message for the loop; blocks while the window is full."""
        with self._window:
            while self._unsent > WINDOW and not self._gone:
                self._window.wait()
            if self._gone:
                raise ClientGone()
            self._unsent += size
        self._loop.call_soon_threadsafe(self._outbox.put_nowait, message)

    # -- on the event loop

    async def _sender(self) -> None:
        while True:
            message = await self._outbox.get()
            last = message["type"] == "http.response.body" and not message["more_body"]
            if last:
                self._ending = True
            await self._send(message)
            if last:
                return
            if message["type"] == "http.response.body":
                with self._window:
                    self._unsent -= len(message["body"])
                    self._window.notify()

    def _sender_done(self, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is not None:
            self._client_left()

    async def _read_request(self) -> None:
        more = True
        while more:
            await self._body.room()
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self._client_left()
                return
            more = message.get("more_body", False)
            self._body.feed(message.get("body", b""), more)
        # with the body in, receive() only returns when the client leaves (or the response
        # has ended)
        if (await self._receive())["type"] == "http.disconnect" and not self._ending:
            self._client_left()

    def _client_left(self) -> None:
        with self._window:
            self._gone = True
            self._window.notify_all()
        self._body.abort()

    def _environ(self) -> dict:
        scope = self._scope
        server = scope.get("server") or ("localhost", 80)
        environ = {
            "REQUEST_METHOD": scope["method"],
            "SCRIPT_NAME": scope.get("root_path", "").encode().decode("latin-1"),
            "PATH_INFO": scope["path"].encode().decode("latin-1"),
            "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
            "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
            "SERVER_NAME": str(server[0]),
            "SERVER_PORT": str(server[1] or 80),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.get("scheme", "http"),
            "wsgi.input": self._body,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "asgi.scope": scope,
        }
        if scope.get("client"):
            environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = scope["client"][0], str(scope["client"][1])
        for raw_name, raw_value in scope.get("headers", []):
            name = raw_name.decode("latin-1").upper().replace("-", "_")
            if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
                name = "HTTP_" + name
            value = raw_value.decode("latin-1")
            environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ


class _RequestBody:
    """``wsgi.input``: what the loop received, read by the worker thread.

    The loop stops receiving while READ_AHEAD bytes (or what a pending read asks for) wait
    here, so a slow reader holds the client back instead of filling memory.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Condition()
        self._buffer = bytearray()
        self._eof = False
        self._gone = False
        self._need = 0  # bytes a waiting read wants
        self._paused = False
        self._room = asyncio.Event()
        self._arrived = asyncio.Event()  # the body is in, or READ_AHEAD of it, or the client left

    # the loop's side

    async def arrived(self) -> bool:
        """Wait until the application can start without waiting on the client for long:
        the whole body or READ_AHEAD bytes of it are here. False: the client left first."""
        await self._arrived.wait()
        with self._lock:
            return not self._gone or self._eof

    async def room(self) -> None:
        while True:
            with self._lock:
                if len(self._buffer) < max(READ_AHEAD, self._need):
                    return
                self._paused = True
                self._room.clear()
            await self._room.wait()

    def feed(self, data: bytes, more: bool) -> None:
        with self._lock:
            self._buffer += data
            self._eof = not more
            self._lock.notify_all()
            if self._eof or len(self._buffer) >= READ_AHEAD:
                self._arrived.set()

    def abort(self) -> None:
        with self._lock:
            self._gone = True
            self._lock.notify_all()
        self._arrived.set()

    # the worker thread's side

    def _wait(self, enough: Callable[[], bool], need: Callable[[], int]) -> None:
        """Wait (holding the lock) until ``enough()`` or the end of the body; ``need()``: how
        many bytes the buffer must be let to hold meanwhile."""
        while not enough() and not self._eof:
            if self._gone:
                raise ClientGone()
            self._need = need()
            self._resume()
            self._lock.wait()
        self._need = 0

    def _resume(self) -> None:
        if self._paused and len(self._buffer) < max(READ_AHEAD, self._need):
            self._paused = False
            self._loop.call_soon_threadsafe(self._room.set)

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._resume()
        return data

    def read(self, size: int | None = -1) -> bytes:
        with self._lock:
            if size is None or size < 0:
                self._wait(lambda: False, lambda: sys.maxsize)
                return self._take(len(self._buffer))
            self._wait(lambda: len(self._buffer) >= size, lambda: size)
            return self._take(size)

    def readline(self, limit: int | None = -1) -> bytes:
        limit = sys.maxsize if limit is None or limit < 0 else limit

        def found() -> bool:
            return b"\n" in self._buffer or len(self._buffer) >= limit

        with self._lock:
            self._wait(found, lambda: len(self._buffer) + 1)
            end = self._buffer.find(b"\n")
            return self._take(min(limit, len(self._buffer) if end < 0 else end + 1))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines, total = [], 0
        while line := self.readline():
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self):
        while line := self.readline():
            yield line
