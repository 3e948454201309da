"""The gist pages: ``/_admin/gists/<access_id>`` (highlighted) and ``.../raw/<filename>``.

A gist is found by its access id only, so a private gist's random id is what keeps it private;
``acl_private`` gists are shown to signed-in users only. Expired gists are gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vcshub.services import gists
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import download_responses as respond
from vcshub.web import sessions, web_auth
from vcshub.web.error_pages import mark_page
from vcshub.web.highlight import STYLE, highlighted

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
GIST_VIEW_NAMES = ("GistsController:show", "GistView:gist_show")


async def gist_page(request: Request) -> Response:
    mark_page(request.scope)
    return await _respond(request, _show)


async def gist_raw(request: Request) -> Response:
    return await _respond(request, _raw)


async def _respond(request: Request, build: Callable) -> Response:
    state: AppState = request.app.state.vcshub
    credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
    return await run_in_threadpool(_answer, state, request, credentials, build)


def _answer(state: AppState, request: Request, credentials, build: Callable) -> Response:
    """Errors go to the handlers of web/error_pages.py."""
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        viewer = web_auth.identify(uow, credentials, GIST_VIEW_NAMES, False, state.login_throttle)
        gist = gists.visible_on_web(uow, viewer, request.path_params["gist_id"])
        return build(state, uow, request, viewer, gist)


def _show(state: AppState, uow, request: Request, viewer, gist) -> Response:
    expires = _expiry_text(gist.expires)
    return state.templates.page(
        "gist.html",
        viewer=viewer,
        **sessions.layout_values(request),
        gist=gist,
        files=gists.gist_files(uow, gist),
        expires=expires,
        raw_base=f"/_admin/gists/{quote(gist.access_id)}/raw",
        style=STYLE,
        highlighted=lambda f: highlighted(f.name, f.text, f.lexer),
    )


def _raw(state: AppState, uow, request: Request, viewer, gist) -> Response:
    found = gists.gist_file(uow, gist, request.path_params["filename"])
    return respond.raw_file(found, download=False)


def _expiry_text(expires: float) -> str | None:
    """When the gist expires, as the page says it; None for never. An expiry stored before
    lifetimes were capped may lie past the calendar's end (year 9999): it reads as "never"
    rather than failing the page."""
    if expires == -1:
        return None
    try:
        return dt.datetime.fromtimestamp(expires, dt.UTC).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return None


ROUTES = [
    Route("/_admin/gists/{gist_id}", gist_page, methods=["GET", "HEAD"]),
    Route("/_admin/gists/{gist_id}/raw/{filename}", gist_raw, methods=["GET", "HEAD"]),
]
