"""What the API returns for a user (REFERENCE.md 3.1) and what the server stores for him."""

from __future__ import annotations

from vcshub.db.models import User

USER_KEYS = {
    "user_id", "username", "firstname", "lastname", "email", "emails", "api_key", "api_keys",
    "active", "admin", "extern_type", "extern_name", "last_login", "ip_addresses", "language",
}
DENIED = "Access was denied to this resource."


def stored(db, user_id: int) -> User | None:
    with db() as session:
        return session.get(User, user_id)
