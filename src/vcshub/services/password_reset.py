"""Password reset by e-mail: a link with a key that sets a new password.

The key is not stored: it is an HMAC, under the instance's secret key, of the user, the time it
was issued and his current password hash and session key. So it expires (``LIFETIME_SECONDS``
after issue), and it is single-use: setting the new password changes the hash (and the session
key, which ends every browser session of the user), and every earlier key stops matching.
The mail goes after the transaction commits, as a background task (tasks/catalog.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from sqlalchemy import func, or_, select

from vcshub.auth.passwords import hash_password
from vcshub.db.models import User, UserEmail
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import site_policy, tasks, users
from vcshub.services.errors import Invalid, MailNotConfigured, ResetDisabled
from vcshub.services.installation import secret_key
from vcshub.services.password_change import SHORTEST
from vcshub.services.unit_of_work import UnitOfWork

LIFETIME_SECONDS = 3600
_KEY = re.compile(r"(\d{1,12})\.(\d{1,12})\.([0-9a-f]{40})")
CONFIRMATION_PATH = "/_admin/password_reset_confirmation"


def _mac(uow: UnitOfWork, user: User, issued: int) -> str:
    text = f"password-reset:{user.user_id}:{issued}:{user.password_hash or ''}:{user.session_key}"
    secret = secret_key(uow.settings).encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:40]


def issue_key(uow: UnitOfWork, user: User) -> str:
    issued = int(uow.clock())
    return f"{user.user_id}.{issued}.{_mac(uow, user, issued)}"


def _allowed(uow: UnitOfWork) -> None:
    if site_policy.password_reset(uow) == site_policy.RESET_DISABLED:
        raise ResetDisabled()
    if not uow.settings.smtp_server:
        raise MailNotConfigured("the server sends no mail")


def _resettable(user: User | None) -> bool:
    """Accounts of this server that may sign in (external ones reset elsewhere)."""
    return (user is not None and user.active and user.username != DEFAULT_USERNAME
            and user.extern_name == users.INTERNAL)


def request_reset(uow: UnitOfWork, email: str, base_url: str) -> User | None:
    """Mail a reset link to the account with ``email`` (main or extra address), after commit.
    Returns the user, or None when no account may be reset that way: the page says the same
    in both cases, so it does not tell who has an account."""
    _allowed(uow)
    wanted = (email or "").strip().lower()
    if not wanted:
        raise Invalid("email", "is required")
    user = uow.db.scalar(
        select(User).outerjoin(UserEmail, UserEmail.user_id == User.user_id)
        .where(or_(func.lower(User.email) == wanted, func.lower(UserEmail.email) == wanted))
    )
    if not _resettable(user):
        return None
    link = f"{base_url.rstrip('/')}{CONFIRMATION_PATH}?key={issue_key(uow, user)}"
    body = (
        f"Hello {user.full_name},\n\n"
        f"somebody (hopefully you) asked to reset the password of your account {user.username}.\n"
        f"Choose a new password here within {LIFETIME_SECONDS // 60} minutes:\n\n{link}\n\n"
        "If you did not ask for it, ignore this message: your password stays as it is.\n"
    )
    tasks.send_mail(uow, wanted, "Password reset", body)
    return user


def user_for_key(uow: UnitOfWork, key: str) -> User:
    """The user a valid, unexpired, unused key is for; Invalid("key") otherwise."""
    _allowed(uow)
    matched = _KEY.fullmatch(key or "")
    user = uow.db.get(User, int(matched.group(1))) if matched else None
    if not matched or not _resettable(user):
        raise Invalid("key", "this link is not valid: ask for a new one")
    issued = int(matched.group(2))
    if not hmac.compare_digest(matched.group(3), _mac(uow, user, issued)):
        raise Invalid("key", "this link was already used or is not valid: ask for a new one")
    if not 0 <= uow.clock() - issued <= LIFETIME_SECONDS:
        raise Invalid("key", "this link has expired: ask for a new one")
    return user


def reset_password(uow: UnitOfWork, key: str, new: str, repeated: str) -> User:
    """Set the password of the key's user; his browser sessions end and the key is spent."""
    user = user_for_key(uow, key)
    if len(new) < SHORTEST:
        raise Invalid("new_password", f"must be at least {SHORTEST} characters long")
    if new != repeated:
        raise Invalid("new_password_confirmation", "does not match the new password")
    user.password_hash = hash_password(new)
    user.force_password_change = False
    user.end_sessions()
    uow.db.flush()
    return user
