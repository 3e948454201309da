"""Member lists with ``origin`` (REFERENCE.md 2.7) for repositories and groups."""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import User, UserGroup
from vcshub.permissions import names
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services.grants import Target
from vcshub.services.unit_of_work import UnitOfWork


def _entry(name: str, permission: str, origin: str, kind: str = "user") -> dict:
    return {"name": name, "permission": permission, "origin": origin, "type": kind}


def member_entries(uow: UnitOfWork, target: Target, object_id: int, owner: User) -> list[dict]:
    """Super-admins, the owner, explicit user rows, then user-group rows."""
    admin_perm = f"{target.prefix}.admin"
    admins = uow.db.scalars(
        select(User.username)
        .where(User.admin.is_(True), User.user_id != owner.user_id)
        .order_by(User.username)
    )
    entries = [_entry(name, admin_perm, "super-admin") for name in admins]
    entries.append(_entry(owner.username, admin_perm, "owner"))

    user_table, group_table = target.user_table, target.group_table
    user_rows = uow.db.execute(
        select(User.username, user_table.permission)
        .join(User, User.user_id == user_table.user_id)
        .where(getattr(user_table, target.object_column) == object_id)
    ).all()
    user_rows = sorted(
        user_rows,
        key=lambda row: (row[0] != DEFAULT_USERNAME, -names.weight(row[1]), row[0]),
    )
    entries += [_entry(name, perm, "permission") for name, perm in user_rows]

    group_rows = uow.db.execute(
        select(UserGroup.group_name, group_table.permission)
        .join(UserGroup, UserGroup.users_group_id == getattr(group_table, target.group_column))
        .where(getattr(group_table, target.object_column) == object_id)
        .order_by(UserGroup.group_name)
    ).all()
    entries += [_entry(name, perm, "permission", "user_group") for name, perm in group_rows]
    return entries
