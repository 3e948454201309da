"""Where each of a user's effective permissions comes from, for his "my permissions" page.

The effective levels are permission_report's (permissions/effective.py computes them); this
module only names the rule that decided each one, following the same order of precedence:
super-admin, then owner, then a grant to the user himself, then his user groups' grants (the
strongest wins), then the ``default`` user's permission (or "private"). A few bulk queries per
kind of object, never one per object.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from vcshub.db.models import (
    RepoGroup,
    RepoGroupUserGroupPermission,
    RepoGroupUserPermission,
    Repository,
    RepoUserGroupPermission,
    RepoUserPermission,
    User,
    UserGroup,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
)
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Origin:
    permission: str
    source: str


# kind → (model, id column, name column, user rows (table, object column),
#         group rows (table, object column, group column))
_KINDS = {
    "repositories": (
        Repository, Repository.repo_id, Repository.repo_name,
        (RepoUserPermission, RepoUserPermission.repo_id),
        (RepoUserGroupPermission, RepoUserGroupPermission.repo_id,
         RepoUserGroupPermission.users_group_id),
    ),
    "repositories_groups": (
        RepoGroup, RepoGroup.group_id, RepoGroup.group_name,
        (RepoGroupUserPermission, RepoGroupUserPermission.group_id),
        (RepoGroupUserGroupPermission, RepoGroupUserGroupPermission.group_id,
         RepoGroupUserGroupPermission.users_group_id),
    ),
    "user_groups": (
        UserGroup, UserGroup.users_group_id, UserGroup.group_name,
        (UserGroupUserPermission, UserGroupUserPermission.target_group_id),
        (UserGroupUserGroupPermission, UserGroupUserGroupPermission.target_group_id,
         UserGroupUserGroupPermission.source_group_id),
    ),
}


def permission_origins(uow: UnitOfWork, user: User) -> dict:
    """``{"global": [...], kind: {name: Origin}}`` for the three kinds of objects."""
    perms = EffectivePermissions(uow.db, user)
    effective = {
        "repositories": perms.repos(),
        "repositories_groups": perms.repo_groups(),
        "user_groups": perms.user_groups(),
    }
    report: dict = {"global": sorted(perms.global_perms)}
    group_ids = [] if user.admin else perms._active_group_ids
    group_names = dict(uow.db.execute(select(UserGroup.users_group_id, UserGroup.group_name)).all())
    for kind, (model, id_column, name_column, user_rows, group_rows) in _KINDS.items():
        levels = effective[kind]
        names = dict(uow.db.execute(select(id_column, name_column)).all())
        owned = set(uow.db.scalars(select(id_column).where(model.owner_id == user.user_id)))
        own_table, own_object = user_rows
        granted = set(uow.db.scalars(select(own_object).where(own_table.user_id == user.user_id)))
        via_groups: dict[int, list[str]] = {}
        if group_ids:
            table, object_column, group_column = group_rows
            for oid, gid in uow.db.execute(
                select(object_column, group_column).where(group_column.in_(group_ids))
            ):
                via_groups.setdefault(oid, []).append(group_names.get(gid, str(gid)))
        report[kind] = {
            names[oid]: Origin(level, _source(user, oid, owned, granted, via_groups))
            for oid, level in levels.items()
            if oid in names
        }
    return report


def _source(user: User, oid: int, owned: set, granted: set, via_groups: dict) -> str:
    if user.admin:
        return "super-administrator"
    if oid in owned:
        return "owner"
    if oid in granted:
        return "granted to you"
    if oid in via_groups:
        return "user group " + ", ".join(sorted(via_groups[oid]))
    return "default permission"
