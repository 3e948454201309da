"""Who is calling a web view: a whitelisted ``?auth_token=``, HTTP Basic, the session, or nobody.

Order: a token in the URL counts only on views the ``api_access_controllers_whitelist`` opens
(elsewhere it is ignored and the request goes on as if it had none); then HTTP Basic (password,
or token as password, as git and hg clients send it); then the signed session cookie of a
browser login. ``None`` means anonymous: the services then act as the ``default`` user, and
the ``default`` user's IP whitelist decides whether an anonymous visitor may come in at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from starlette.requests import Request

from vcshub.auth.http_basic import authenticate_basic, parse_basic
from vcshub.auth.errors import AuthError, BadTokenRole, InactiveUser, InvalidToken, IpNotAllowed
from vcshub.auth.identity import allowed_ips, check_role, check_user_access, find_token_owner
from vcshub.auth.ip_whitelist import is_allowed
from vcshub.auth.passwords import verify_password
from vcshub.auth.throttle import LoginThrottle
from vcshub.auth.token_whitelist import token_allowed
from vcshub.auth.tokens import FEED_ROLES, WEB_ROLES
from vcshub.config import Settings
from vcshub.db.models import User
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import audit
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.errors import AuthenticationRefused, LoginFailed, PasswordChangeRequired
from vcshub.web.request_info import request_client_ip

TOKEN_PARAMS = ("auth_token", "api_key")  # RhodeCode 4 name first, the older one second
SESSION_USER = "user_id"
SESSION_CHECK = "auth_check"


@dataclass(frozen=True)
class WebCredentials:
    """Everything a request may authenticate with, read once on the event loop."""

    client_ip: str
    token: str | None = None
    authorization: str | None = None
    session_user_id: int | None = None
    session_check: str | None = None

    @classmethod
    def of(cls, request: Request, settings: Settings) -> WebCredentials:
        token = next((request.query_params[p] for p in TOKEN_PARAMS if request.query_params.get(p)), None)
        session = request.scope.get("session") or {}
        user_id = session.get(SESSION_USER)
        return cls(
            client_ip=request_client_ip(request, settings),
            token=token,
            authorization=request.headers.get("authorization"),
            session_user_id=user_id if isinstance(user_id, int) else None,
            session_check=session.get(SESSION_CHECK),
        )


async def request_credentials(request: Request, settings: Settings, throttle: LoginThrottle) -> WebCredentials:
    """The request's credentials, after the delay the throttle puts on a guessing address."""
    credentials = WebCredentials.of(request, settings)
    if credentials.authorization:
        await throttle.pause(credentials.client_ip)
    return credentials


def identify(
    uow: UnitOfWork,
    credentials: WebCredentials,
    view_names: Collection[str],
    feed: bool,
    throttle: LoginThrottle,
    *,
    token_always: bool = False,
) -> User | None:
    """The user behind the request, or None for anonymous; raises AuthenticationRefused for
    bad credentials. ``token_always``: the view takes ``?auth_token=`` whatever the whitelist
    says (RhodeCode opens its journal feeds to feed tokens that way)."""
    roles = FEED_ROLES if feed else WEB_ROLES
    whitelist = uow.settings.api_access_controllers_whitelist
    if credentials.token and (token_always
                              or token_allowed(whitelist, view_names, credentials.token)):
        user = _token_user(uow, credentials, roles)
    elif (basic := parse_basic(credentials.authorization)) is not None:
        user = _basic_user(uow, credentials, basic, roles, throttle)
    else:
        user = session_user(uow, credentials)
        if user is None:
            _admit_anonymous(uow, credentials.client_ip)
    uow.acting("web", user, credentials.client_ip)
    return user


def _admit_anonymous(uow: UnitOfWork, client_ip: str) -> None:
    """Anonymous visitors act as the ``default`` user, so its IP whitelist applies to them,
    exactly as to anonymous git and hg clients (vcs_access.anonymous_user): refused with the
    same 401 and challenge, which lets a browser sign in with HTTP Basic instead."""
    default = uow.db.scalar(select(User).where(User.username == DEFAULT_USERNAME))
    if default is not None and not is_allowed(client_ip, allowed_ips(uow.db, default)):
        raise AuthenticationRefused(401, "Authentication required", challenge=True)


def _token_user(uow: UnitOfWork, credentials: WebCredentials, roles: Collection[str]) -> User:
    try:
        user, role, whitelist = find_token_owner(uow.db, credentials.token, uow.clock())
        check_role(role, roles)
        check_user_access(uow.db, user, credentials.client_ip, whitelist)
    except AuthError as exc:
        raise AuthenticationRefused(403, _token_message(exc)) from None
    return user


def _basic_user(uow, credentials, basic, roles, throttle: LoginThrottle) -> User:
    ip = credentials.client_ip
    try:
        user = authenticate_basic(uow.db, basic[0], basic[1], ip, uow.clock(), roles)
    except (InactiveUser, IpNotAllowed) as exc:
        raise AuthenticationRefused(403, _token_message(exc)) from None
    except AuthError:
        throttle.failed(ip)
        audit.sign_in_failed(uow.db.get_bind(), basic[0], ip, "web")
        raise AuthenticationRefused(401, "Authentication failed", challenge=True) from None
    throttle.succeeded(ip)
    return user


def _token_message(exc: AuthError) -> str:
    if isinstance(exc, BadTokenRole):
        return "The role of this auth token does not allow this view"
    if isinstance(exc, InactiveUser):
        return "Request from this user not allowed"
    if isinstance(exc, IpNotAllowed):
        return f"Request from IP:{exc.ip} not allowed"
    return "Invalid or expired auth token"


# -- browser sessions ---------------------------------------------------------------------------
def session_check(user: User) -> str:
    """The value a session cookie must carry to count.

    The cookie is signed but stateless, so revocation works through what it is checked
    against: it changes with the password (a password change ends the user's other sessions)
    and with the user's ``session_key``, which logout and deactivation replace.
    """
    material = f"{user.user_id}\0{user.password_hash}\0{user.session_key}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def end_sessions(uow: UnitOfWork, credentials: WebCredentials) -> None:
    """Logout: end every session of the cookie's user, if the cookie is still a valid one.

    Whether the user may still come in (active, IP whitelist) does not matter here: a cookie
    copied elsewhere must stop working either way.
    """
    if credentials.session_user_id is None or not credentials.session_check:
        return
    user = uow.db.get(User, credentials.session_user_id)
    if user is not None and _check_matches(credentials, user):
        audit.signed_out(uow, user, credentials.client_ip, "web")
        user.end_sessions()


def _check_matches(credentials: WebCredentials, user: User) -> bool:
    presented = str(credentials.session_check or "").encode()
    return bool(presented) and hmac.compare_digest(presented, session_check(user).encode())


PASSWORD_PAGE = "/_admin/my_account/password"


def session_user(
    uow: UnitOfWork, credentials: WebCredentials, changing_password: bool = False
) -> User | None:
    """The logged-in user, still active, allowed from this address; otherwise anonymous.

    Raises PasswordChangeRequired for a user whose ``force_password_change`` is set, except on
    the page where he changes it (``changing_password``).
    """
    if credentials.session_user_id is None:
        return None
    user = uow.db.get(User, credentials.session_user_id)
    if user is None or user.username == DEFAULT_USERNAME:
        return None
    if not _check_matches(credentials, user):
        return None
    try:
        check_user_access(uow.db, user, credentials.client_ip)
    except AuthError:
        return None
    if user.force_password_change and not changing_password:
        raise PasswordChangeRequired(PASSWORD_PAGE)
    return user


def log_in(uow: UnitOfWork, username: str, password: str, client_ip: str) -> User:
    """Check a login form's username and password (tokens are not passwords here)."""
    user = None
    if "\x00" not in username:  # PostgreSQL cannot even compare text holding NUL
        user = uow.db.scalar(select(User).where(func.lower(User.username) == username.lower()))
    try:
        if user is None or user.username == DEFAULT_USERNAME:
            raise InvalidToken()
        if not verify_password(user.password_hash, password):
            raise InvalidToken()
        check_user_access(uow.db, user, client_ip)
    except AuthError as exc:
        audit.sign_in_failed(uow.db.get_bind(), username, client_ip, "web")
        if isinstance(exc, InactiveUser):
            raise LoginFailed("This account is disabled") from None
        if isinstance(exc, IpNotAllowed):
            raise LoginFailed(f"Login from IP {exc.ip} is not allowed for this account") from None
        raise LoginFailed("Invalid username or password") from None
    return user


def record_login(uow: UnitOfWork, user_id: int, client_ip: str) -> None:
    """Note when the user signed in: a separate, short unit that writes, so that no writer
    holds SQLite's write lock while a password hash is checked (a third of a second)."""
    user = uow.db.get(User, user_id)
    if user is not None:
        audit.signed_in(uow, user, client_ip, "web")
        user.last_login = dt.datetime.now(dt.UTC).replace(tzinfo=None)
