"""The user object (REFERENCE.md 3.1), full, masked and basic."""

from __future__ import annotations

from vcshub.db.models import User
from vcshub.serializers.datetimes import format_datetime

MASK = "*" * 40


def user_basic(user: User) -> dict:
    return {
        "user_id": user.user_id,
        "username": user.username,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "email": user.email,
        "emails": [user.email, *(e.email for e in user.emails)],
    }


def user_data(user: User, *, secrets: bool) -> dict:
    """The full user object; ``secrets`` False masks the tokens."""
    data = user_basic(user)
    data.update(
        {
            "api_key": user.api_key if secrets else MASK,
            "api_keys": [user.api_key, *(t.token for t in user.tokens)] if secrets else [MASK],
            "active": user.active,
            "admin": user.admin,
            "extern_type": user.extern_type,
            "extern_name": user.extern_name,
            "last_login": format_datetime(user.last_login),
            "ip_addresses": [ip.ip_addr for ip in user.ip_addresses],
            "language": user.language,
        }
    )
    return data
