"""The home page ``/`` and a repository group's page ``/<group>`` (RhodeCode's URLs): one level
of the group tree, a filter and 50 rows a page. What the viewer may see is decided by
:mod:`vcshub.services.repo_index`; errors go to the handlers of web/error_pages.py."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from vcshub.db.models import User
from vcshub.services import repo_group_access, repo_index
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.web import sessions, web_auth
from vcshub.web.error_pages import mark_page
from vcshub.web.paging import page_number

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState
    from vcshub.web.templating import Templates

# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
HOME_VIEW_NAMES = ("HomeController:index", "HomeView:main_page")
GROUP_VIEW_NAMES = ("GroupsController:show_by_name", "RepoGroupsView:repo_group_main_page")


async def index_page(request: Request) -> Response:
    state: AppState = request.app.state.vcshub
    mark_page(request.scope)
    credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
    layout = sessions.layout_values(request)
    query = dict(request.query_params)
    return await run_in_threadpool(_home, state, layout, query, credentials)


def _home(state: AppState, layout: dict, query: dict, credentials: web_auth.WebCredentials) -> Response:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        viewer = web_auth.identify(uow, credentials, HOME_VIEW_NAMES, False, state.login_throttle)
        return level_page(uow, state.templates, viewer, None, query, layout)


def level_page(uow: UnitOfWork, templates: Templates, viewer: User | None, group_name: str | None,
               query: dict, layout: dict) -> Response:
    """The page of one level: the top (``group_name`` None) or a group."""
    filter_text = str(query.get("filter") or "")[:200]
    level = repo_index.level(uow, viewer, group_name, filter_text, page_number(query.get("page")))

    def page_url(number: int) -> str:
        params = {"filter": level.filter_text} if level.filter_text else {}
        if number > 1:
            params["page"] = str(number)
        return layout["here"] + ("?" + urlencode(params) if params else "")

    # the group's administrators get the link to its settings (web/group_pages.py)
    administers = group_name is not None and repo_group_access.administered_by(
        uow, viewer, group_name) is not None
    return templates.page(
        "index.html",
        viewer=viewer,
        **layout,
        level=level,
        settings_url=f"/{quote(group_name)}/_settings" if administers else None,
        filter_text=level.filter_text,
        newer=page_url(level.page - 1) if level.page > 1 else None,
        older=page_url(level.page + 1) if level.page < level.pages else None,
    )
