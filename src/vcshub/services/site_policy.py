"""The site-wide choices the ``default`` user's global permissions hold (REFERENCE.md 2.4):
whether visitors may sign up and how new accounts start, and whether users may reset a
forgotten password. Read here once for every adapter."""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import User, UserGlobalPermission
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services.unit_of_work import UnitOfWork

REGISTRATION_CLOSED = "hg.register.none"
MANUAL_ACTIVATION = "hg.register.manual_activate"
AUTO_ACTIVATION = "hg.register.auto_activate"
RESET_ENABLED = "hg.password_reset.enabled"
RESET_HIDDEN = "hg.password_reset.hidden"  # allowed, but the sign-in page does not link it
RESET_DISABLED = "hg.password_reset.disabled"


def _site_permission(uow: UnitOfWork, family: str, fallback: str) -> str:
    found = uow.db.scalars(
        select(UserGlobalPermission.permission)
        .join(User, User.user_id == UserGlobalPermission.user_id)
        .where(User.username == DEFAULT_USERNAME,
               UserGlobalPermission.permission.like(f"{family}.%"))
    ).first()
    return found or fallback


def registration(uow: UnitOfWork) -> str:
    """One of REGISTRATION_CLOSED, MANUAL_ACTIVATION, AUTO_ACTIVATION; without a row,
    closed (a fresh install does not open sign-up by accident)."""
    return _site_permission(uow, "hg.register", REGISTRATION_CLOSED)


def password_reset(uow: UnitOfWork) -> str:
    """One of RESET_ENABLED, RESET_HIDDEN, RESET_DISABLED (without a row: disabled)."""
    return _site_permission(uow, "hg.password_reset", RESET_DISABLED)
