"""HTTP Basic credentials for git and hg clients: a password, or an auth token as the password."""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from vcshub.auth.errors import InvalidToken
from vcshub.auth.identity import check_role, check_user_access
from vcshub.auth.passwords import verify_password
from vcshub.auth.tokens import token_digest
from vcshub.db.models import AuthToken, User
from vcshub.permissions.effective import DEFAULT_USERNAME


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """(username, secret) from an ``Authorization: Basic ...`` header, or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, secret = decoded.partition(":")
    return (username, secret) if sep else None


class _VerifiedPasswords:
    """Remembers successful argon2 checks briefly: a clone makes several requests in a row.

    Keyed by the stored hash too, so a password change invalidates the entry at once.
    """

    def __init__(self, ttl: float = 120.0) -> None:
        self.ttl = ttl
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(user: User, secret: str) -> str:
        return hashlib.sha256(f"{user.user_id}\0{user.password_hash}\0{secret}".encode()).hexdigest()

    def check(self, user: User, secret: str) -> bool:
        key = self._key(user, secret)
        now = time.monotonic()
        with self._lock:
            if self._seen.get(key, 0) > now:
                return True
        if not verify_password(user.password_hash, secret):
            return False
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[key] = now + self.ttl
        return True


_passwords = _VerifiedPasswords()


def _token_owner(db: Session, secret: str, now: float) -> tuple[User, str | None] | None:
    digest = token_digest(secret)
    user = db.scalar(select(User).where(User.api_key_hash == digest))
    if user is not None:
        return user, None
    row = db.scalar(
        select(AuthToken).where(
            AuthToken.token_hash == digest, or_(AuthToken.expires == -1, AuthToken.expires > now)
        )
    )
    return (row.user, row.role) if row is not None else None


def authenticate_basic(
    db: Session, username: str, secret: str, client_ip: str, now: float, roles
) -> User:
    """The user these credentials belong to; raises an AuthError otherwise.

    A token works with its owner's username (or an empty one); its role must be in ``roles``.
    """
    if not secret or "\x00" in secret or "\x00" in username:
        raise InvalidToken()  # PostgreSQL cannot even compare text holding NUL
    owner = _token_owner(db, secret, now) if len(secret) >= 32 else None
    if owner is not None and username.lower() in ("", owner[0].username.lower()):
        user, role = owner
        check_role(role, roles)
    else:
        user = db.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None or not _passwords.check(user, secret):
            raise InvalidToken()
    if user.username == DEFAULT_USERNAME:
        raise InvalidToken()
    check_user_access(db, user, client_ip)
    return user
