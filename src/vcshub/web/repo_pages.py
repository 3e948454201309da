"""Views under a repository's URL: ``/<repo>/<view keyword>/<rest>``.

Repository names contain ``/``, so the path is split at a view keyword; when a group happens to
be named like a keyword, the reading whose repository exists wins. A path without a keyword (or
none of whose readings exists) may be a repository's own URL: its summary, or a group's page.

The keywords come from the page modules' ``KEYWORDS`` tables (see web/repo_views.py); this
module identifies the viewer, checks read permission once, checks a form's CSRF token, and
calls the view. Methods a path's views do not take answer 405; a method other than GET and
HEAD on a path that can only be a summary goes to ``fallback``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dataclasses
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from vcshub.permissions.caller import Caller
from vcshub.services import access, following, repo_contents, repo_index
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import (
    blame_pages,
    changelog_pages,
    diff_pages,
    file_pages,
    fork_pages,
    pages,
    pull_request_pages,
    pull_request_view_pages,
    raw_views,
    ref_pages,
    repo_advanced_pages,
    repo_permission_pages,
    repo_settings_pages,
    search_pages,
    sessions,
    summary_pages,
    web_auth,
)
from vcshub.web.error_pages import mark_page
from vcshub.web.errors import CsrfRefused
from vcshub.web.repo_views import READING, Context, Parser, View
from vcshub.web.request_info import base_url

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

PAGE_MODULES = (raw_views, summary_pages, file_pages, blame_pages, changelog_pages, diff_pages,
                ref_pages, fork_pages, repo_settings_pages, repo_permission_pages,
                repo_advanced_pages, pull_request_pages, pull_request_view_pages, search_pages)
SUMMARY = summary_pages.SUMMARY


def _keywords() -> dict[str, Parser]:
    table: dict[str, Parser] = {}
    for module in PAGE_MODULES:
        taken = table.keys() & module.KEYWORDS.keys()
        assert not taken, f"{module.__name__} takes keywords already taken: {taken}"
        table.update(module.KEYWORDS)
    return table


KEYWORDS = _keywords()


@dataclass(frozen=True)
class Wanted:
    repo_name: str
    view: View
    args: tuple


def readings(path: str) -> list[Wanted]:
    """Every way to read ``path`` as ``<repo>/<keyword>/<rest>``, leftmost keyword first, then
    as ``<repo>`` (its summary)."""
    stripped = path.strip("/")
    if not stripped:
        return []
    segments = stripped.split("/")
    found = []
    for index in range(1, len(segments)):
        parse = KEYWORDS.get(segments[index])
        parsed = parse(segments[index + 1:]) if parse else None
        if parsed is not None:
            found.append(Wanted("/".join(segments[:index]), parsed[0], parsed[1]))
    found.append(Wanted(stripped, SUMMARY, ()))
    return found


class RepoPages:
    """ASGI app for the repository views; ``fallback`` gets every other path."""

    def __init__(self, fallback: ASGIApp) -> None:
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = readings(scope["path"]) if scope["type"] == "http" else []
        method = scope.get("method", "GET")
        taking = [w for w in wanted if method in w.view.methods]
        if not wanted or (not taking and all(w.view is SUMMARY for w in wanted)):
            await self.fallback(scope, receive, send)
            return
        if not taking:
            allowed = ", ".join(sorted({m for w in wanted for m in w.view.methods}))
            response = PlainTextResponse("Method not allowed\n", 405, headers={"Allow": allowed})
            await response(scope, receive, send)
            return
        request = Request(scope, receive)
        state: AppState = request.app.state.vcshub
        form = None
        if method not in READING:
            if any(w.view.html for w in taking):
                mark_page(scope)
            form = await request.form()
            if not sessions.csrf_matches(request, form):
                raise CsrfRefused()
        credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
        layout = sessions.layout_values(request)
        context = Context(
            base_url(request, state.settings),
            request.url.path,
            dict(request.query_params),
            state.templates,
            csrf=layout["csrf"],
            method=method,
            form=form,
            flashes=layout["flashes"],
            session=request.scope.get("session"),
        )
        response = await run_in_threadpool(_answer, state, taking, credentials, context, scope)
        await response(scope, receive, send)


def _answer(state: AppState, wanted: list[Wanted], credentials, context: Context,
            scope: Scope) -> ASGIApp:
    """Authenticate, authorize and build the response, in one unit of work (a worker thread).
    Errors go to the handlers of web/error_pages.py: a page's in the layout, the others plain."""
    writes = context.method not in READING
    with unit_of_work(state.sessions, state.settings, writes=writes) as uow:
        chosen = wanted[repo_contents.first_existing(uow, [w.repo_name for w in wanted])]
        view = chosen.view
        if view.html:
            mark_page(scope)
        if view is SUMMARY and repo_index.group_exists(uow, chosen.repo_name):
            # /<group>: a group's page (a group and a repository never share a name)
            user = web_auth.identify(uow, credentials, pages.GROUP_VIEW_NAMES, False,
                                     state.login_throttle)
            layout = {"here": context.path, "csrf": context.csrf, "flashes": context.flashes}
            return pages.level_page(uow, context.templates, user, chosen.repo_name,
                                    context.query, layout)
        user = web_auth.identify(uow, credentials, view.names, view.feed, state.login_throttle)
        repo = repo_contents.readable_repo(uow, user, chosen.repo_name)
        if view.html:
            context = dataclasses.replace(
                context, following=following.is_following(uow, user, repo),
                administers=user is not None and access.can_repo(
                    Caller(uow.db, user), repo, "repository.admin"))
        return view.handler(uow, repo, chosen.args, dataclasses.replace(context, viewer=user))
