"""Where each of a user's effective permissions comes from: his "my permissions" page, and the
people listed on a repository's permissions page (:func:`repo_origins`, scoped to it).

The effective levels are permission_report's (permissions/effective.py computes them); this
module only names the rule that decided each one, following the same order of precedence:
super-admin, then owner, then a grant to the user himself, then his user groups' grants (the
strongest wins), then the ``default`` user's permission (or "private"). A few bulk queries per
kind of object, never one per object.
"""

from __future__ import annotations

from collections.abc import Collection
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
    UserGroupGlobalPermission,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
)
from vcshub.permissions import names
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services.unit_of_work import UnitOfWork


# kind → the EffectivePermissions map of its levels
_LEVELS = {"repositories": "repos", "repositories_groups": "repo_groups",
           "user_groups": "user_groups"}


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
    """``{"global": [Origin], kind: {name: Origin}}`` for the three kinds of objects."""
    perms = EffectivePermissions(uow.db, user)
    group_ids = [] if user.admin else perms._active_group_ids
    group_names = dict(uow.db.execute(select(UserGroup.users_group_id, UserGroup.group_name)).all())
    report: dict = {"global": _global_origins(uow, user, perms, group_ids, group_names)}
    for kind in _KINDS:
        report[kind] = _kind_origins(uow, user, perms, kind, group_ids, group_names)
    return report


def repo_origins(uow: UnitOfWork, user: User, repo_ids: Collection[int]) -> dict:
    """``{name: Origin}`` of ``user`` on these repositories only: the same rules as
    :func:`permission_origins`, at the cost of a few queries scoped to them (a page about one
    repository asks this for each of the people who reach it)."""
    perms = EffectivePermissions(uow.db, user)
    group_ids = [] if user.admin else perms._active_group_ids
    group_names = dict(uow.db.execute(
        select(UserGroup.users_group_id, UserGroup.group_name)
        .where(UserGroup.users_group_id.in_(group_ids))).all()) if group_ids else {}
    return _kind_origins(uow, user, perms, "repositories", group_ids, group_names, repo_ids)


def _kind_origins(uow: UnitOfWork, user: User, perms: EffectivePermissions, kind: str,
                  group_ids: list[int], group_names: dict[int, str],
                  ids: Collection[int] | None = None) -> dict[str, Origin]:
    """``{name: Origin}`` for the objects of one kind (only ``ids`` when given)."""
    model, id_column, name_column, user_rows, group_rows = _KINDS[kind]
    levels = getattr(perms, _LEVELS[kind])(ids)

    def scoped(query):
        return query if ids is None else query.where(id_column.in_(list(ids)))

    object_names = dict(uow.db.execute(scoped(select(id_column, name_column))).all())
    owned = set(uow.db.scalars(scoped(select(id_column).where(model.owner_id == user.user_id))))
    own_table, own_object = user_rows
    granted = set(uow.db.scalars(select(own_object).where(
        own_table.user_id == user.user_id, *([] if ids is None else [own_object.in_(list(ids))]))))
    via_groups: dict[int, list[str]] = {}
    if group_ids:
        table, object_column, group_column = group_rows
        for oid, gid in uow.db.execute(
            select(object_column, group_column).where(
                group_column.in_(group_ids),
                *([] if ids is None else [object_column.in_(list(ids))]))
        ):
            via_groups.setdefault(oid, []).append(group_names.get(gid, str(gid)))
    return {
        object_names[oid]: Origin(level, _source(user, oid, owned, granted, via_groups))
        for oid, level in levels.items()
        if oid in object_names
    }


def _global_origins(uow: UnitOfWork, user: User, perms: EffectivePermissions,
                    group_ids: list[int], group_names: dict[int, str]) -> list[Origin]:
    """Each global permission with its rule: site-wide ones are always the default user's;
    the configurable ones are the user's own when he does not inherit, else those of his
    non-inheriting user groups that hold them, else the default user's."""
    held: dict[str, list[str]] = {}
    if group_ids:
        rows = uow.db.execute(
            select(UserGroupGlobalPermission.permission, UserGroup.group_name)
            .join(UserGroup, UserGroup.users_group_id == UserGroupGlobalPermission.users_group_id)
            .where(UserGroup.users_group_id.in_(group_ids),
                   UserGroup.inherit_default_permissions.is_(False))
        )
        for permission, group_name in rows:
            held.setdefault(permission, []).append(group_name)
    found = []
    for permission in sorted(perms.global_perms):
        if user.admin:
            source = "super-administrator"
        elif permission not in names.CONFIGURABLE_GLOBALS:
            source = "site default"
        elif not user.inherit_default_permissions:
            source = "set on your account"
        elif permission in held:
            source = "user group " + ", ".join(sorted(held[permission]))
        else:
            source = "default permission"
        found.append(Origin(permission, source))
    return found


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
