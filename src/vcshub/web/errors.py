"""The web layer's exception tree, and the plain-text answers to errors views let through.

The handlers Starlette calls are registered in one place, :mod:`vcshub.web.error_pages`: an
HTML page's error becomes a page in the site layout, every other answer is the plain one below.

::

    WebError
     ├── AuthenticationRefused(status, message, challenge)   credentials given and wrong, or
     │                                                        anonymous from a refused address
     ├── PasswordChangeRequired(page)                         the user must first pick a password
     └── LoginFailed                                          the sign-in form's answer (its text)

:func:`error_response` answers these and the lower layers' errors a view lets through:

    AuthenticationRefused                 its status and text (401 with a Basic challenge)
    PasswordChangeRequired                303 to its page
    services NotFound                     404 "Not found: <what>"
    vcs CommitNotFound / NodeNotFound     404
    services DownloadsDisabled            403
    services StorageError                 503
    anything else                         re-raised: it is a bug, the 500 page answers

LoginFailed never gets here: the sign-in form shows it (web/sessions.py).
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp

from vcshub import vcs
from vcshub.services.errors import DownloadsDisabled, NotFound, StorageError
from vcshub.web import download_responses as respond


class WebError(Exception):
    """Base of the errors the web layer raises itself."""


class AuthenticationRefused(WebError):
    """Credentials were given and are wrong (or anonymous visitors are refused from this
    address): answer ``status`` with ``message``, asking for Basic credentials if ``challenge``."""

    def __init__(self, status: int, message: str, challenge: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.challenge = challenge


class PasswordChangeRequired(WebError):
    """The signed-in user must choose a new password (at ``page``) before anything else."""

    def __init__(self, page: str) -> None:
        super().__init__(page)
        self.page = page


class LoginFailed(WebError):
    """A sign-in refused; the message is what the form shows."""


def error_response(exc: Exception) -> ASGIApp:
    """A plain-text answer for ``exc``; unknown errors are re-raised (they are bugs)."""
    if isinstance(exc, AuthenticationRefused):
        headers = {"WWW-Authenticate": 'Basic realm="vcshub"'} if exc.challenge else None
        return PlainTextResponse(exc.message + "\n", exc.status, headers=headers)
    if isinstance(exc, PasswordChangeRequired):
        return RedirectResponse(exc.page, status_code=303)
    if isinstance(exc, NotFound):
        return respond.text(f"Not found: {exc}\n", 404)
    if isinstance(exc, vcs.CommitNotFound):
        return respond.text("Not found: no such revision\n", 404)
    if isinstance(exc, vcs.NodeNotFound):
        return respond.text("Not found: no such file at this revision\n", 404)
    if isinstance(exc, DownloadsDisabled):
        return respond.text(f"{exc}\n", 403)
    if isinstance(exc, StorageError):
        return respond.text("The repository cannot be read from storage\n", 503)
    raise exc
