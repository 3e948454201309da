"""What the API returns for a user (REFERENCE.md 3.1) and what the server stores for him."""

from __future__ import annotations

from sqlalchemy import insert, update

from vcshub.db.models import User, UserGlobalPermission

USER_KEYS = {
    "user_id", "username", "firstname", "lastname", "email", "emails", "api_key", "api_keys",
    "active", "admin", "extern_type", "extern_name", "last_login", "ip_addresses", "language",
}
DENIED = "Access was denied to this resource."


def stored(db, user_id: int) -> User | None:
    with db() as session:
        return session.get(User, user_id)


def give_global(db_engine, user_id: int, *perms: str) -> None:
    """Make a user stop inheriting the default globals and hold ``perms`` instead (2.4)."""
    with db_engine.begin() as conn:
        conn.execute(
            update(User.__table__)
            .where(User.__table__.c.user_id == user_id)
            .values(inherit_default_permissions=False)
        )
        for perm in perms:
            conn.execute(
                insert(UserGlobalPermission.__table__).values(user_id=user_id, permission=perm)
            )
