"""Mercurial's wire protocol through its own hgweb WSGI application.

Our checks run first (in the endpoint); this module only configures hgweb for the one request:
the repository, who is asking and whether hgweb may accept a push from him. Hooks on that
request's transactions record what a push changed, for the journal.

hgweb runs in a worker thread, bridged to ASGI by :mod:`vcshub.transport.wsgi_bridge`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from vcshub.transport import hg_push
from vcshub.transport.bookkeeping import PushBookkeeping
from vcshub.transport.hg_push import HgPush
from vcshub.transport.wsgi_bridge import HgAsgi

log = logging.getLogger(__name__)
SCOPE_KEY = "vcshub.hg"
# hgweb yields a response in small pieces (~20 KiB for a clone): they are gathered up to this
# size before they cross to the event loop, as each crossing wakes the loop, which then takes
# the GIL from the worker thread (a clone of 200 MB: ~250 crossings instead of ~6,000).
RESPONSE_PIECE = 512 * 1024
WORKERS = 16  # hgweb threads


@dataclass
class HgRequestContext:
    repo_path: Path
    repo_name: str
    username: str | None  # None: anonymous
    may_push: bool
    # called once the request is served, with what it changed
    on_complete: Callable[[HgPush], None] | None = None
    # when given, on_complete runs after the response has ended, announced to it
    bookkeeping: PushBookkeeping | None = None
    push: HgPush = field(default_factory=HgPush)
    serves_data: bool = False  # a clone or pull: served at a lower CPU priority

    def completes_after_response(self) -> bool:
        return self.on_complete is not None and self.bookkeeping is not None


def _ui(context: HgRequestContext):
    ui = hg_push.serving_ui()
    ui.setconfig(
        b"web", b"allow-push", context.username.encode() if context.may_push else b"", b"vcshub"
    )
    if context.on_complete is not None:
        hg_push.watch(ui, context.push, context.repo_path, context.repo_name)
    return ui


class _Completing:
    """Runs the request's follow-up once hgweb is done: before the response ends, at the end of
    the iteration, or after it, in ``close`` (the bridge ends the response, then closes the
    body), announced to the bookkeeping registry before the end. ``close`` also covers a
    client that left half way.
    """

    def __init__(self, body: Iterable[bytes], context: HgRequestContext) -> None:
        self._body = body
        self._context = context
        self._completed = False
        self._body_closed = False
        self._ticket: object | None = None

    def __iter__(self):
        pending: list[bytes] = []
        size = 0
        for piece in self._body:
            pending.append(piece)
            size += len(piece)
            if size >= RESPONSE_PIECE:
                yield b"".join(pending)
                pending.clear()
                size = 0
        self._close_body()
        # Done (or announced) before the last bytes go: a client that has read the whole answer
        # may send its next request at once, to another worker process, which must see the push
        # (hg reads an answer of known length to its end without waiting for the response's).
        if self._context.completes_after_response():
            self._ticket = self._context.bookkeeping.begin()
        else:
            self._complete()
        if size:
            yield b"".join(pending)

    def close(self) -> None:
        self._close_body()
        try:
            self._complete()
        finally:
            if self._ticket is not None:
                self._context.bookkeeping.end(self._ticket)
                self._ticket = None

    def _close_body(self) -> None:
        if self._body_closed:
            return
        self._body_closed = True
        close = getattr(self._body, "close", None)
        if close is not None:
            close()

    def _complete(self) -> None:
        if self._completed or self._context.on_complete is None:
            return
        self._completed = True
        self._context.on_complete(self._context.push)


def hg_wsgi_app(environ: dict, start_response) -> Iterable[bytes]:
    """A WSGI app serving the repository named in the ASGI scope (set by the endpoint)."""
    from mercurial.hgweb import hgweb_mod

    context: HgRequestContext = environ["asgi.scope"][SCOPE_KEY]
    application = hgweb_mod.hgweb(str(context.repo_path).encode(), baseui=_ui(context))
    environ["SCRIPT_NAME"] = "/" + context.repo_name
    environ["PATH_INFO"] = "/"
    if context.username:
        environ["REMOTE_USER"] = context.username
    else:
        environ.pop("REMOTE_USER", None)
    return _Completing(application(environ, start_response), context)


def build_hg_asgi() -> HgAsgi:
    """The ASGI app for hg requests; loads Mercurial now, in the starting thread."""
    from mercurial.hgweb import hgweb_mod  # noqa: F401

    return HgAsgi(hg_wsgi_app, workers=WORKERS,
                  serves_data=lambda scope: scope[SCOPE_KEY].serves_data)
