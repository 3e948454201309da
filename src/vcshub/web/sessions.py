"""Browser login: a signed session cookie, the login form at ``/_admin/login``, and logout.

The cookie (Starlette's SessionMiddleware, signed with the instance's secret key) holds the
user id and a check value derived from the password hash and the user's session key (see
web_auth.session_check), so a password change ends every other session, and logout ends all
of the user's sessions server-side: a copy of the cookie stops working too. Login and logout
forms carry a per-session CSRF token; the cookie is SameSite=Lax. Logout is POST only (a GET
shows the form): a link or an image on another page must not sign anybody out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import math
import secrets
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from vcshub.config import Settings
from vcshub.services import installation, site_policy
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import web_auth
from vcshub.web.errors import LoginFailed
from vcshub.web.request_info import request_client_ip

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

SESSION_COOKIE = "vcshub_session"
SESSION_DAYS = 14
CSRF_KEY = "csrf_token"
FLASH_KEY = "flash"


def session_middleware(settings: Settings) -> Middleware:
    installation.prepare_storage(settings)  # idempotent: makes sure the secret key exists
    return Middleware(
        SessionMiddleware,
        secret_key=installation.secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_DAYS * 24 * 3600,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )


def safe_target(came_from: str | None) -> str:
    """Only paths on this server: never ``//host`` or ``http://...`` (open redirects)."""
    if not came_from or not came_from.startswith("/") or came_from.startswith("//"):
        return "/"
    if "\\" in came_from or any(ord(c) < 32 for c in came_from):
        return "/"
    return came_from


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not token:
        token = request.session[CSRF_KEY] = secrets.token_urlsafe(24)
    return token


def layout_values(request: Request) -> dict[str, object]:
    """What the site layout needs from the request besides the viewer: where we are (for the
    sign-in link's came_from), for a signed-in session the CSRF token of its sign-out form, and
    the messages flashed for this page (taken: each shows once). An anonymous visit gets no
    token, so browsing anonymously sets no cookie."""
    session = request.scope.get("session")
    signed_in = bool(session and session.get(web_auth.SESSION_USER))
    return {
        "here": request.url.path,
        "csrf": csrf_token(request) if signed_in else None,
        "flashes": take_flashes(session),
    }


def flash(session: dict, text: str, kind: str = "info") -> None:
    """Say ``text`` on the next page this session sees (after a form's redirect).
    ``kind``: "info" or "error"."""
    session.setdefault(FLASH_KEY, []).append([kind, text])


def take_flashes(session: dict | None) -> tuple[tuple[str, str], ...]:
    if not session or FLASH_KEY not in session:
        return ()
    return tuple((str(kind), str(text)) for kind, text in session.pop(FLASH_KEY))


def _offers(state: AppState) -> dict[str, bool]:
    """What the sign-in page offers besides signing in, as the site's policy says (read in a
    worker thread: it asks the database)."""
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        return {
            "register": site_policy.registration(uow) != site_policy.REGISTRATION_CLOSED,
            "reset": site_policy.password_reset(uow) == site_policy.RESET_ENABLED,
        }


def _form(request: Request, came_from: str, username: str = "", error: str = "", status: int = 200,
          throttled: float = 0, offers: dict[str, bool] | None = None):
    """The sign-in page, in the site layout, never cached or framed (Templates.page).
    ``throttled``: the seconds the next attempt from this address will wait, said on the page
    so a person who mistyped knows why it is slow (a guesser learns nothing new)."""
    state: AppState = request.app.state.vcshub
    return state.templates.page(
        "login.html", status=status, viewer=None, here="/_admin/login", csrf=None,
        form_csrf=csrf_token(request), came_from=came_from, username=username, error=error,
        throttled=math.ceil(throttled), offers=offers or {},
    )


def csrf_matches(request: Request, form) -> bool:
    expected = request.session.get(CSRF_KEY)
    return bool(expected) and secrets.compare_digest(str(form.get(CSRF_KEY) or ""), expected)


async def login(request: Request) -> Response:
    state: AppState = request.app.state.vcshub
    if request.method == "GET":
        offers = await run_in_threadpool(_offers, state)
        return _form(request, safe_target(request.query_params.get("came_from")), offers=offers)
    form = await request.form()
    came_from = safe_target(str(form.get("came_from") or ""))
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    if not csrf_matches(request, form):
        return _form(request, came_from, username, "Your session expired, please sign in again", 400)
    client_ip = request_client_ip(request, state.settings)
    await state.login_throttle.pause(client_ip)
    try:
        user_id, check, must_change = await run_in_threadpool(
            _check, state, username, password, client_ip
        )
    except LoginFailed as exc:
        await run_in_threadpool(state.login_throttle.failed, client_ip)
        throttled = await run_in_threadpool(state.login_throttle.delay, client_ip)
        return _form(request, came_from, username, str(exc), 401, throttled=throttled)
    await run_in_threadpool(state.login_throttle.succeeded, client_ip)
    request.session.clear()
    request.session.update({web_auth.SESSION_USER: user_id, web_auth.SESSION_CHECK: check})
    if must_change:
        came_from = f"{web_auth.PASSWORD_PAGE}?{urlencode({'came_from': came_from})}"
    return RedirectResponse(came_from, status_code=302)


def _check(state: AppState, username: str, password: str, client_ip: str) -> tuple[int, str, bool]:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        user = web_auth.log_in(uow, username, password, client_ip)
        checked = user.user_id, web_auth.session_check(user), user.force_password_change
    with unit_of_work(state.sessions, state.settings) as uow:
        web_auth.record_login(uow, checked[0], client_ip)
    return checked


def _logout_form(request: Request, error: str = "", status: int = 200) -> Response:
    """The sign-out page: the layout's sign-out button posts the same form; this page is what
    a GET (an old link or bookmark) or a refused token shows."""
    state: AppState = request.app.state.vcshub
    return state.templates.page(
        "logout.html", status=status, viewer=None, here="/_admin/logout", csrf=None,
        form_csrf=csrf_token(request), error=error,
    )


async def logout(request: Request) -> Response:
    if request.method != "POST":
        return _logout_form(request)
    form = await request.form()
    if not csrf_matches(request, form):
        return _logout_form(request, "Your session expired, please try again", 400)
    state: AppState = request.app.state.vcshub
    credentials = web_auth.WebCredentials.of(request, state.settings)
    await run_in_threadpool(_end_sessions, state, credentials)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _end_sessions(state: AppState, credentials: web_auth.WebCredentials) -> None:
    with unit_of_work(state.sessions, state.settings) as uow:
        web_auth.end_sessions(uow, credentials)
