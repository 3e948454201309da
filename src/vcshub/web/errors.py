"""The one place where web views turn domain and VCS errors into HTTP answers."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp

from vcshub import vcs
from vcshub.services import downloads
from vcshub.services.errors import NotFound, StorageError
from vcshub.web import download_responses as respond
from vcshub.web import web_auth


def error_response(exc: Exception) -> ASGIApp:
    """A plain-text answer for ``exc``; unknown errors are re-raised (they are bugs)."""
    if isinstance(exc, web_auth.Refused):
        headers = {"WWW-Authenticate": 'Basic realm="vcshub"'} if exc.challenge else None
        return PlainTextResponse(exc.message + "\n", exc.status, headers=headers)
    if isinstance(exc, web_auth.PasswordChangeRequired):
        return RedirectResponse(web_auth.PASSWORD_PAGE, status_code=303)
    if isinstance(exc, NotFound):
        return respond.text(f"Not found: {exc}\n", 404)
    if isinstance(exc, vcs.CommitNotFound):
        return respond.text("Not found: no such revision\n", 404)
    if isinstance(exc, vcs.NodeNotFound):
        return respond.text("Not found: no such file at this revision\n", 404)
    if isinstance(exc, downloads.DownloadsDisabled):
        return respond.text(f"{exc}\n", 403)
    if isinstance(exc, StorageError):
        return respond.text("The repository cannot be read from storage\n", 503)
    raise exc
