"""The user object (REFERENCE.md 3.1), full, masked and basic."""

from __future__ import annotations

from sqlalchemy.orm import object_session

from vcshub.auth.token_seal import seal_of
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
    """The full user object; ``secrets`` False masks the tokens (40 ``*``).

    With secrets, ``api_key``/``api_keys`` hold the real tokens as REFERENCE.md 3.1 says,
    opened from their sealed copies with the instance's secret key (the database holds only
    digests and sealed copies, issue 14). A token whose sealed copy cannot be opened (the
    secret key was changed or is missing, or the user object is detached from its unit of
    work) is shown as its first 8 characters and "…" instead: the token keeps working for
    whoever holds it, the API just cannot show it any more (a new token can be).
    """
    data = user_basic(user)
    if secrets:
        seal = seal_of(object_session(user))
        main = shown_token(
            seal, user.api_key_prefix, user.api_key_hash, user.api_key_sealed, user.revealed_api_key
        )
        extras = [
            shown_token(seal, t.token_prefix, t.token_hash, t.token_sealed, t.revealed_token)
            for t in user.tokens
        ]
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
