"""``/_admin/my_account/password``: a signed-in user chooses a new password.

Users whose ``force_password_change`` is set are sent here after login, and from every page
until they have chosen one (see web_auth.session_user).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from vcshub.services import password_change
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import sessions, web_auth

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

FIELD_LABELS = {
    "current_password": "Current password",
    "new_password": "New password",
    "new_password_confirmation": "New password (again)",
}


async def password_page(request: Request) -> Response:
    state: AppState = request.app.state.vcshub
    came_from = sessions.safe_target(request.query_params.get("came_from"))
    credentials = web_auth.WebCredentials.of(request, state.settings)
    if request.method == "GET":
        viewer = await run_in_threadpool(_viewer, state, credentials)
        if viewer is None:
            return _to_login(request)
        return _form(state, request, viewer, came_from)

    form = await request.form()
    came_from = sessions.safe_target(str(form.get("came_from") or ""))
    if not sessions.csrf_matches(request, form):
        viewer = await run_in_threadpool(_viewer, state, credentials)
        if viewer is None:
            return _to_login(request)
        return _form(state, request, viewer, came_from, "Your session expired, please try again", 400)
    fields = {name: str(form.get(name) or "") for name in FIELD_LABELS}
    outcome = await run_in_threadpool(_change, state, credentials, fields)
    if outcome is None:
        return _to_login(request)
    viewer, error, check = outcome
    if error:
        return _form(state, request, viewer, came_from, error, 400)
    request.session[web_auth.SESSION_CHECK] = check  # this session goes on, the others end
    return RedirectResponse(came_from, status_code=303)


def _viewer(state: AppState, credentials):
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        return web_auth.session_user(uow, credentials, changing_password=True)


def _change(state: AppState, credentials, fields: dict[str, str]):
    """(viewer, error message, new session check), or None when nobody is signed in."""
    with unit_of_work(state.sessions, state.settings) as uow:
        user = web_auth.session_user(uow, credentials, changing_password=True)
        if user is None:
            return None
        try:
            password_change.change_own_password(
                uow, user, fields["current_password"], fields["new_password"],
                fields["new_password_confirmation"],
            )
        except Invalid as exc:  # checked before anything changed
            return user, f"{FIELD_LABELS[exc.field]} {exc.reason}", None
        return user, None, web_auth.session_check(user)


def _form(state: AppState, request: Request, viewer, came_from: str, error: str = "", status: int = 200):
    return state.templates.page(
        "password.html",
        status=status,
        viewer=viewer,
        here=web_auth.PASSWORD_PAGE,
        error=error,
        forced=viewer.force_password_change,
        csrf_name=sessions.CSRF_KEY,
        csrf_token=sessions.csrf_token(request),
        csrf=sessions.csrf_token(request),  # the layout's sign-out form
        came_from=came_from,
        fields=FIELD_LABELS,
    )


def _to_login(request: Request) -> Response:
    return RedirectResponse(f"/_admin/login?came_from={web_auth.PASSWORD_PAGE}", status_code=303)
