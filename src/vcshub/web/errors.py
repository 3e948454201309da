"""The web layer's exception tree, and the plain-text answers to errors views let through.

The handlers Starlette calls are registered in one place, :mod:`vcshub.web.error_pages`: an
HTML page's error becomes a page in the site layout, every other answer is the plain one below.

::

    WebError
     ├── AuthenticationRefused(status, message, challenge)   credentials given and wrong, or
     │                                                        anonymous from a refused address
     ├── PasswordChangeRequired(page)                         the user must first pick a password
     ├── SignInRequired(came_from)                            a page only a signed-in user may see
     ├── CsrfRefused                                          a form posted without this session's
     │                                                        CSRF token (expired, or another site)
     └── LoginFailed                                          the sign-in form's answer (its text)

:func:`error_response` answers these and the lower layers' errors a view lets through:

    AuthenticationRefused                 its status and text (401 with a Basic challenge)
    PasswordChangeRequired                303 to its page
    SignInRequired                        303 to the sign-in page, coming back afterwards
    CsrfRefused                           403
    services NotFound                     404 "Not found: <what>"
    vcs CommitNotFound / NodeNotFound     404
    services DownloadsDisabled            403
    services AccessDenied, NotYourUser    403 (a global permission is missing)
    services Invalid, AlreadyExists,      400 with the rule's sentence (forms that show the
      Conflict, InvalidPermission         error beside the field catch Invalid themselves)
    services StorageError                 503
    anything else                         re-raised: it is a bug, the 500 page answers

LoginFailed never gets here: the sign-in form shows it (web/sessions.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp

from vcshub import vcs
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    DownloadsDisabled,
    Invalid,
    InvalidPermission,
    NotFound,
    NotYourUser,
    StorageError,
)
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


class SignInRequired(WebError):
    """Only a signed-in user may see this page: sign in, then come back to ``came_from``."""

    def __init__(self, came_from: str) -> None:
        super().__init__(came_from)
        self.came_from = came_from


class CsrfRefused(WebError):
    """A form came without the session's CSRF token: the page it came from is too old (the
    session changed) or another site posted it. Nothing was changed."""

    def __init__(self) -> None:
        super().__init__(
            "This form has expired or came from another site, so nothing was changed: "
            "go back, reload the page and try again."
        )


class LoginFailed(WebError):
    """A sign-in refused; the message is what the form shows."""


def error_response(exc: Exception) -> ASGIApp:
    """A plain-text answer for ``exc``; unknown errors are re-raised (they are bugs)."""
    if isinstance(exc, AuthenticationRefused):
        headers = {"WWW-Authenticate": 'Basic realm="vcshub"'} if exc.challenge else None
        return PlainTextResponse(exc.message + "\n", exc.status, headers=headers)
    if isinstance(exc, PasswordChangeRequired):
        return RedirectResponse(exc.page, status_code=303)
    if isinstance(exc, SignInRequired):
        return RedirectResponse(f"/_admin/login?{urlencode({'came_from': exc.came_from})}", 303)
    if isinstance(exc, CsrfRefused):
        return respond.text(f"{exc}\n", 403)
    if isinstance(exc, (AccessDenied, NotYourUser)):
        return respond.text("Forbidden: you may not do this\n", 403)
    if isinstance(exc, (Invalid, AlreadyExists, Conflict, InvalidPermission)):
        return respond.text(f"{exc}\n", 400)
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
