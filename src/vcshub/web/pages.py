"""The home page (the repositories the viewer may read) and the plain "not found" answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from vcshub.services import repo_listing
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import web_auth
from vcshub.web.errors import error_response

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
HOME_VIEW_NAMES = ("HomeController:index", "HomeView:main_page")


async def index_page(request: Request) -> Response:
    state: AppState = request.app.state.vcshub
    credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
    return await run_in_threadpool(_home, state, request.url.path, credentials)


def _home(state: AppState, here: str, credentials: web_auth.WebCredentials) -> Response:
    try:
        with unit_of_work(state.sessions, state.settings, writes=False) as uow:
            viewer = web_auth.identify(
                uow, credentials, HOME_VIEW_NAMES, False, state.login_throttle
            )
            return state.templates.page(
                "index.html", viewer=viewer, here=here, repos=repo_listing.readable_by_name(uow, viewer)
            )
    except Exception as exc:  # noqa: BLE001 - error_response re-raises what it does not know
        return error_response(exc)


async def not_found(scope, receive, send) -> None:
    response = HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", 404)
    await response(scope, receive, send)
