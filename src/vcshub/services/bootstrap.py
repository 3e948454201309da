"""First-run set-up: the anonymous ``default`` user, its site defaults, and the first admin."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from vcshub.auth.passwords import hash_password
from vcshub.auth.token_seal import required_seal
from vcshub.auth.tokens import issue_token
from vcshub.db.models import User, UserGlobalPermission
from vcshub.permissions.caller import CONSOLE
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.permissions.names import INITIAL_DEFAULT_PERMS
from vcshub.services import lookup, users
from vcshub.services.unit_of_work import UnitOfWork

DEFAULT_USER_EMAIL = "anonymous@rhodecode.org"


def ensure_default_user(uow: UnitOfWork) -> User:
    """Create the ``default`` user and its global rows if they are missing."""
    user = uow.db.scalar(select(User).where(User.username == DEFAULT_USERNAME))
    if user is None:
        user = User(
            username=DEFAULT_USERNAME,
            email=DEFAULT_USER_EMAIL,
            firstname="Anonymous",
            lastname="User",
            active=True,
            admin=False,
            password_hash=None,
        )
        # listed by get_user like any token, but the default user cannot authenticate
        user.set_api_key(issue_token(required_seal(uow.db)))
        uow.db.add(user)
        uow.db.flush()
        for permission in INITIAL_DEFAULT_PERMS:
            uow.db.add(UserGlobalPermission(user_id=user.user_id, permission=permission))
        uow.db.flush()
    return user


def has_admin(uow: UnitOfWork) -> bool:
    return uow.db.scalar(select(User.user_id).where(User.admin.is_(True)).limit(1)) is not None


def ensure_admin(
    uow: UnitOfWork, username: str, email: str, password: str | None = None
) -> tuple[User, str | None]:
    """Create the super-admin unless that user exists (idempotent).

    Returns the user and the generated password when one had to be made up.
    """
    ensure_default_user(uow)
    existing = lookup.find_user_by_name_ci(uow.db, username)
    if existing is not None:
        if not existing.admin:
            existing.admin = True
        if password:
            existing.password_hash = hash_password(password)
        uow.db.flush()
        return existing, None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(16)
    user = users.create_user(uow, CONSOLE, username=username, email=email, password=password, admin=True)
    return user, generated
