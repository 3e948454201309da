"""One way for the site's own pages (``/_admin/...``: my account, gists, journal, sign-up) to
answer: identify the viewer, check a form's CSRF token, run the view in a worker thread inside
one unit of work, render in the layout. Errors go to the handlers of web/error_pages.py.

A view is ``view(uow, page) -> Response``; ``page`` is a :class:`PageRequest`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from vcshub.db.models import User
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.web import sessions, web_auth
from vcshub.web.error_pages import mark_page
from vcshub.web.errors import CsrfRefused, SignInRequired
from vcshub.web.request_info import base_url

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState


@dataclass
class PageRequest:
    """What a view gets besides its unit of work."""

    state: AppState
    viewer: User | None
    path: str
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    form: FormData | None  # a POST's fields, CSRF token checked
    session: dict
    layout: dict  # here, csrf, flashes
    base_url: str

    @property
    def method(self) -> str:
        return "GET" if self.form is None else "POST"

    def render(self, template: str, status: int = 200, **values: object) -> Response:
        """``template`` in the layout, with the viewer and the form's CSRF token."""
        return self.state.templates.page(
            template,
            status=status,
            viewer=self.viewer,
            csrf_name=sessions.CSRF_KEY,
            form_csrf=self.csrf_token(),
            **{**self.layout, **values},
        )

    def csrf_token(self) -> str:
        token = self.session.get(sessions.CSRF_KEY)
        if not token:  # an anonymous form (sign-up) is the first to need one
            token = self.session[sessions.CSRF_KEY] = secrets.token_urlsafe(24)
        return token

    def flash(self, text: str, kind: str = "info") -> None:
        sessions.flash(self.session, text, kind)


View = Callable[[UnitOfWork, PageRequest], Response]


async def answer(
    request: Request,
    view: View,
    view_names: Collection[str] = (),
    *,
    signed_in: bool = False,
    writes: bool | None = None,
) -> Response:
    """Answer ``request`` with ``view``. ``signed_in``: anonymous visitors go to the sign-in
    page and come back. A POST must carry the session's CSRF token (CsrfRefused otherwise) and
    gets a unit of work that writes (``writes`` overrides)."""
    mark_page(request.scope)
    state: AppState = request.app.state.vcshub
    credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
    form = None
    if request.method == "POST":
        form = await request.form()
        if not sessions.csrf_matches(request, form):
            raise CsrfRefused()
    came_from = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = PageRequest(
        state=state,
        viewer=None,
        path=request.url.path,
        path_params=dict(request.path_params),
        query=dict(request.query_params),
        form=form,
        session=request.session,
        layout=sessions.layout_values(request),
        base_url=base_url(request, state.settings),
    )
    writing = form is not None if writes is None else writes

    def run() -> Response:
        with unit_of_work(state.sessions, state.settings, writes=writing) as uow:
            page.viewer = web_auth.identify(uow, credentials, view_names, False, state.login_throttle)
            if signed_in and page.viewer is None:
                raise SignInRequired(came_from)
            return view(uow, page)

    return await run_in_threadpool(run)
