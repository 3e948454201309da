"""The user object (REFERENCE.md 3.1), full, masked and basic."""

from __future__ import annotations

from vcshub.auth.tokens import shown_token
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
    """The full user object; ``secrets`` False masks the tokens.

    Deliberate change to the contract's "user (with secrets)" (REFERENCE.md 3.1): tokens are
    stored as digests (issue 14), so ``api_key``/``api_keys`` hold the real token only in the
    answer to the call that created it (create_user); get_user, get_users, update_user and
    ``locked_by`` show each token as its first 8 characters and "…" instead.
    """
    data = user_basic(user)
    if secrets:
        main = shown_token(user.api_key_prefix, user.revealed_api_key)
        extras = [shown_token(t.token_prefix, t.revealed_token) for t in user.tokens]
        api_key, api_keys = main, [main, *extras]
    else:
        api_key, api_keys = MASK, [MASK]
    data.update(
        {
            "api_key": api_key,
            "api_keys": api_keys,
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
