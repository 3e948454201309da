"""The one registry of the web's exception handlers: errors a view lets through become answers.

:func:`exception_handlers` is what :mod:`vcshub.app` gives Starlette; no page module catches
errors itself. Who asked decides the form of the answer, not the error:

- an HTML page (its view called :func:`mark_page` first) gets a page in the site layout:
  404 for the services' NotFound and the vcs CommitNotFound / NodeNotFound, 403 for
  DownloadsDisabled, AccessDenied / NotYourUser and a refused CSRF token, 400 for a broken
  rule (Invalid, AlreadyExists, Conflict), 503 for StorageError, with the same sentence the
  plain answer has;
- everything else (raw files, diffs, archives, feeds, gists' raw files) keeps the plain-text
  answer of :func:`vcshub.web.errors.error_response`, byte for byte what it always was;
- AuthenticationRefused, PasswordChangeRequired and SignInRequired answer the same everywhere (a 401 with its
  Basic challenge, a redirect): clients and scripts rely on them;
- an unknown path is the 404 page; any other error is a bug: a 500 page with an apology and
  never a traceback (Starlette's ServerErrorMiddleware still logs it), and an entry in the
  exception store that administrators read at ``/_admin/settings/exceptions``.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from vcshub import vcs
from vcshub.services import exception_store
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    CommentFailed,
    Conflict,
    DownloadsDisabled,
    Invalid,
    InvalidPermission,
    MergeRefused,
    NotFound,
    NotYourUser,
    ReviewError,
    StaleComment,
    StorageError,
)
from vcshub.web import sessions
from vcshub.web.errors import CsrfRefused, WebError, error_response

if TYPE_CHECKING:
    from vcshub.app_state import AppState

log = logging.getLogger(__name__)
_SECRET_PARAMETER = re.compile(r"token|key|pass|secret", re.IGNORECASE)

PAGE_KEY = "vcshub.page"  # set in the ASGI scope by views that answer HTML

# error class -> (status, title) of its page in the layout
_PAGE_ERRORS: list[tuple[type[Exception], int, str]] = [
    (NotFound, 404, "Not found"),
    (vcs.CommitNotFound, 404, "Not found"),
    (vcs.NodeNotFound, 404, "Not found"),
    (DownloadsDisabled, 403, "Forbidden"),
    (StorageError, 503, "Unavailable"),
    (CsrfRefused, 403, "Form expired"),
    (AccessDenied, 403, "Forbidden"),
    (NotYourUser, 403, "Forbidden"),
    (Invalid, 400, "Not accepted"),
    (AlreadyExists, 400, "Not accepted"),
    (Conflict, 400, "Not accepted"),
    (InvalidPermission, 400, "Not accepted"),
    (CommentFailed, 400, "Not accepted"),
    (ReviewError, 400, "Not accepted"),  # the plain answer's status: 403 for a refused close
    (MergeRefused, 409, "Not merged"),
    (StaleComment, 409, "Changed meanwhile"),
]


def mark_page(scope: Scope) -> None:
    """Say that this request is for an HTML page: its errors answer in the layout."""
    scope[PAGE_KEY] = True


def exception_handlers() -> dict:
    handlers: dict = {cls: _domain_error for cls, _status, _title in _PAGE_ERRORS}
    handlers[WebError] = _domain_error
    handlers[HTTPException] = _http_error
    handlers[500] = _server_error  # Starlette gives this one to ServerErrorMiddleware
    return handlers


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """The last route's fallback: nothing here answers this path."""
    raise HTTPException(404)


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    state: AppState = request.app.state.vcshub
    return state.templates.page(
        "error.html",
        status=status,
        code=status,  # Templates.page takes `status` for the response, not the template
        title=title,
        message=message,
        **sessions.layout_values(request),
    )


async def _domain_error(request: Request, exc: Exception) -> Response:
    if request.scope.get(PAGE_KEY):
        for cls, status, title in _PAGE_ERRORS:
            if isinstance(exc, cls):
                plain = error_response(exc)  # the sentence the plain answer has, on the page
                status = plain.status_code if cls is ReviewError else status
                return error_page(request, status, title, plain.body.decode().strip())
    return error_response(exc)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return error_page(request, 404, "Not found", "There is nothing at this address.")
    return PlainTextResponse(exc.detail, exc.status_code, headers=exc.headers)  # as Starlette does


def _request_secrets(request: Request) -> list[str]:
    """What of a request must not be kept with its error: cookie values, the Authorization
    header (and the password inside Basic credentials), token-like query parameters."""
    found = list(request.cookies.values())
    authorization = request.headers.get("authorization", "")
    found += [authorization, *authorization.split()]
    scheme, _sep, credentials = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            found += base64.b64decode(credentials, validate=True).decode().split(":", 1)[1:]
        except (ValueError, UnicodeDecodeError):
            pass
    found += [value for key, value in request.query_params.multi_items()
              if _SECRET_PARAMETER.search(key)]
    return found


async def _server_error(request: Request, exc: Exception) -> Response:
    state: AppState = request.app.state.vcshub
    where = f"{request.method} {request.url.path}"
    try:
        await run_in_threadpool(exception_store.record, state.settings, exc, where=where,
                                known_secrets=_request_secrets(request))
    except OSError:  # the page must answer even when the store cannot be written
        log.exception("cannot record the error in the exception store")
    try:
        return error_page(
            request, 500, "Something went wrong",
            "Sorry: the server failed to answer this request. It has been logged.",
        )
    except Exception:  # noqa: BLE001 - the layout itself failing must still answer something
        return PlainTextResponse("Internal server error\n", 500)
