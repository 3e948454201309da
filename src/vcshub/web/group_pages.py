"""The pages under a repository group's URL besides its listing: ``/<group>/_settings/...``
(RhodeCode's URLs; see :data:`ROUTES`), for the group's administrators only.

:class:`GroupSettingsPages` sits in front of the repository pages (web/repo_pages.py). Group
names contain ``/`` and a segment may itself be ``_settings``, so the path is only taken
when no repository page can read it (:func:`repo_pages.readings`: ``/<repo>/files/tip/_edit``
stays a file) and nothing exists under its full name: a repository or a group really named
``team/_settings`` keeps its own page; the parent's settings stay at ``/team/_edit``.
Everything else — a missing group, a group the viewer does not administer, anonymous visitors
— gets the 404 an unknown address gets, word for word.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vcshub.services import repo_index, vcs_access
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.web import group_permission_pages, group_settings_pages, page_requests, repo_pages
from vcshub.web.group_settings_forms import GroupView
from vcshub.web.page_requests import PageRequest

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

# path segments after ``/<group>/`` → view
ROUTES: dict[tuple[str, ...], GroupView] = {
    **group_settings_pages.ROUTES, **group_permission_pages.ROUTES}


def wanted(path: str) -> tuple[str, GroupView] | None:
    """(group name, view) for a settings URL; None for any other path."""
    segments = path.strip("/").split("/")
    for size in range(1, 4):
        view = ROUTES.get(tuple(segments[-size:]))
        if view is not None and len(segments) > size and all(segments[:-size]):
            return "/".join(segments[:-size]), view
    return None


def _taken(state: AppState, path: str) -> bool:
    """Something exists under the path's full name (whoever may see it: its page decides)."""
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        names = {w.repo_name for w in repo_pages.readings(path)}
        return repo_index.group_exists(uow, path.strip("/")) or any(
            vcs_access.find_repository(uow, name) is not None for name in names)


class GroupSettingsPages:
    """ASGI app for the group settings URLs; ``fallback`` (the repository pages) gets every
    other path, and these paths with a method their view does not take."""

    def __init__(self, fallback: ASGIApp) -> None:
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = wanted(scope["path"]) if scope["type"] == "http" else None
        if found is None or scope.get("method", "GET") not in found[1].methods:
            await self.fallback(scope, receive, send)
            return
        request = Request(scope, receive)
        state: AppState = request.app.state.vcshub
        if await run_in_threadpool(_taken, state, scope["path"]):
            await self.fallback(scope, receive, send)
            return
        group_name, view = found
        response = await page_requests.answer(
            request, partial(_call, view, group_name), view.names)
        await response(scope, receive, send)


def _call(view: GroupView, group_name: str, uow: UnitOfWork, page: PageRequest) -> Response:
    return view.handler(uow, page, group_name)
