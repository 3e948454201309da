"""Mercurial's wire protocol through its own hgweb WSGI application.

Our checks run first (in the endpoint); this module only configures hgweb for the one request:
the repository, who is asking and whether hgweb may accept a push from him.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from a2wsgi import WSGIMiddleware

SCOPE_KEY = "vcshub.hg"


@dataclass
class HgRequestContext:
    repo_path: Path
    repo_name: str
    username: str | None  # None: anonymous
    may_push: bool
    on_complete: Callable[[], None] | None = None


def _ui(context: HgRequestContext):
    from mercurial import ui as uimod

    ui = uimod.ui()  # no user or system hgrc: the server's behaviour must not depend on them
    for section, name, value in (
        (b"web", b"push_ssl", b"false"),
        (b"web", b"allow-push", context.username.encode() if context.may_push else b""),
        (b"web", b"allow-read", b"*"),
        (b"ui", b"report_untrusted", b"false"),
        (b"ui", b"interactive", b"false"),
        (b"server", b"validate", b"true"),
    ):
        ui.setconfig(section, name, value, b"vcshub")
    return ui


class _Completing:
    """Runs the push follow-up once hgweb's response has been sent completely."""

    def __init__(self, body: Iterable[bytes], on_complete: Callable[[], None] | None) -> None:
        self._body = body
        self._on_complete = on_complete

    def __iter__(self):
        yield from self._body

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()
        if self._on_complete is not None:
            self._on_complete()


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
    return _Completing(application(environ, start_response), context.on_complete)


def build_hg_asgi() -> WSGIMiddleware:
    """The ASGI app for hg requests; loads Mercurial now, in the starting thread."""
    from mercurial.hgweb import hgweb_mod  # noqa: F401

    return WSGIMiddleware(hg_wsgi_app, workers=16)
