"""The home page: the repositories the viewer may read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from vcshub.services import browsing
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import sessions, web_auth
from vcshub.web.error_pages import mark_page

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
HOME_VIEW_NAMES = ("HomeController:index", "HomeView:main_page")


async def index_page(request: Request) -> Response:
    state: AppState = request.app.state.vcshub
    mark_page(request.scope)
    credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
    layout = sessions.layout_values(request)
    return await run_in_threadpool(_home, state, layout, credentials)


def _home(state: AppState, layout: dict, credentials: web_auth.WebCredentials) -> Response:
    """Errors go to the handlers of web/error_pages.py."""
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        viewer = web_auth.identify(uow, credentials, HOME_VIEW_NAMES, False, state.login_throttle)
        return state.templates.page(
            "index.html", viewer=viewer, **layout, repos=browsing.repo_list(uow, viewer)
        )
