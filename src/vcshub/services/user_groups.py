"""User groups: create, read, update, delete, membership and permissions on them (4.3)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vcshub.db.models import (
    RepoGroup,
    RepoGroupUserGroupPermission,
    Repository,
    RepoUserGroupPermission,
    User,
    UserGroup,
    UserGroupMember,
)
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup
from vcshub.services.errors import AlreadyExists, Conflict, Invalid, NotFound, UserGroupInUse
from vcshub.services.unit_of_work import UnitOfWork

_LOAD = (selectinload(UserGroup.members).selectinload(UserGroupMember.user), selectinload(UserGroup.owner))


def _validate_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("group_name", "Required")
    name = name.strip()
    if len(name) > 255 or "/" in name:
        raise Invalid("group_name", "invalid user group name")
    return name


def _name_taken(uow: UnitOfWork, name: str, except_id: int | None = None) -> bool:
    query = select(UserGroup.users_group_id).where(UserGroup.group_name == name)
    if except_id is not None:
        query = query.where(UserGroup.users_group_id != except_id)
    return uow.db.scalar(query) is not None


def create_user_group(
    uow: UnitOfWork,
    caller: Caller,
    group_name: object,
    description: str = "",
    owner: object = None,
    active: bool = True,
) -> UserGroup:
    """A new group with the default row and an admin row for its owner (2.3)."""
    access.require_global(caller, "hg.usergroup.create.true")
    if isinstance(group_name, str) and _name_taken(uow, group_name):
        raise AlreadyExists("user group", group_name)
    name = _validate_name(group_name)
    owner_user = caller.user if owner is None else lookup.find_user(uow.db, owner)
    if owner_user is None:
        raise Invalid("owner", f"user `{owner}` does not exist")
    group = UserGroup(
        group_name=name, description=description, active=bool(active), owner_id=owner_user.user_id
    )
    uow.db.add(group)
    uow.db.flush()
    grants.write_initial_rows(uow, grants.USER_GROUP, group.users_group_id)
    grants.set_user(
        uow, grants.USER_GROUP, group.users_group_id, owner_user.user_id, "usergroup.admin"
    )
    caller.forget_permissions()
    return group


def get_user_group(uow: UnitOfWork, caller: Caller, ident: object) -> UserGroup:
    return access.user_group(uow, caller, ident, "usergroup.read")


def list_user_groups(uow: UnitOfWork, caller: Caller) -> list[UserGroup]:
    """Groups on which the caller has at least read, by name."""
    visible = caller.perms.user_groups()
    groups = uow.db.scalars(select(UserGroup).options(*_LOAD).order_by(UserGroup.group_name))
    return [
        g for g in groups
        if caller.is_admin or visible.get(g.users_group_id, "usergroup.none") != "usergroup.none"
    ]


def update_user_group(
    uow: UnitOfWork, caller: Caller, ident: object, changes: Mapping
) -> UserGroup:
    group = access.user_group(uow, caller, ident, "usergroup.admin")
    if "owner" in changes:
        owner = lookup.user(uow.db, changes["owner"])
        group.owner_id = owner.user_id
    if "group_name" in changes:
        name = _validate_name(changes["group_name"])
        if _name_taken(uow, name, group.users_group_id):
            raise Conflict(f"user group `{name}` already exists")
        group.group_name = name
    if "description" in changes:
        group.description = changes["description"]
    if "active" in changes:
        group.active = bool(changes["active"])
    uow.db.flush()
    uow.db.refresh(group)
    return group


def delete_user_group(uow: UnitOfWork, caller: Caller, ident: object) -> UserGroup:
    """Refused while the group holds a permission on a repository or repository group."""
    group = access.user_group(uow, caller, ident, "usergroup.admin")
    repos = uow.db.execute(
        select(Repository.repo_id, Repository.repo_name)
        .join(RepoUserGroupPermission, RepoUserGroupPermission.repo_id == Repository.repo_id)
        .where(RepoUserGroupPermission.users_group_id == group.users_group_id)
        .order_by(Repository.repo_id)
    ).all()
    repo_groups = uow.db.execute(
        select(RepoGroup.group_id, RepoGroup.group_name)
        .join(RepoGroupUserGroupPermission, RepoGroupUserGroupPermission.group_id == RepoGroup.group_id)
        .where(RepoGroupUserGroupPermission.users_group_id == group.users_group_id)
        .order_by(RepoGroup.group_id)
    ).all()
    if repos or repo_groups:
        raise UserGroupInUse([tuple(r) for r in repos], [tuple(g) for g in repo_groups])
    uow.db.delete(group)
    uow.db.flush()
    return group


def add_member(uow: UnitOfWork, caller: Caller, ident: object, userid: object) -> tuple[User, UserGroup, bool]:
    """Add a user; False when he already was a member. The user is looked up first (RC4)."""
    user = lookup.user(uow.db, userid)
    group = access.user_group(uow, caller, ident, "usergroup.admin")
    if any(m.user_id == user.user_id for m in group.members):
        return user, group, False
    group.members.append(UserGroupMember(user_id=user.user_id))
    uow.db.flush()
    return user, group, True


def remove_member(uow: UnitOfWork, caller: Caller, ident: object, userid: object) -> tuple[User, UserGroup, bool]:
    user = lookup.user(uow.db, userid)
    group = access.user_group(uow, caller, ident, "usergroup.admin")
    member = next((m for m in group.members if m.user_id == user.user_id), None)
    if member is None:
        return user, group, False
    group.members.remove(member)
    uow.db.flush()
    return user, group, True


def grant_user(uow: UnitOfWork, caller: Caller, ident: object, userid: object, perm: object):
    group = access.user_group(uow, caller, ident, "usergroup.admin")
    user = lookup.user(uow.db, userid)
    perm = grants.validate_permission(perm, "usergroup")
    grants.set_user(uow, grants.USER_GROUP, group.users_group_id, user.user_id, perm)
    return user, group, perm


def revoke_user(uow: UnitOfWork, caller: Caller, ident: object, userid: object):
    group = access.user_group(uow, caller, ident, "usergroup.admin")
    user = lookup.user(uow.db, userid)
    grants.revoke_user(uow, grants.USER_GROUP, group.users_group_id, user.user_id)
    return user, group


def _source_and_target(uow, caller, ident, source_ident, perm=None):
    source = lookup.user_group(uow.db, source_ident)
    target = lookup.user_group(uow.db, ident)
    if perm is not None:
        perm = grants.validate_permission(perm, "usergroup")
    if not access.can_user_group(caller, target, "usergroup.admin"):
        raise NotFound("to user group", ident)
    if not access.can_user_group(caller, source, "usergroup.read"):
        raise NotFound("user group", source_ident)
    if source.users_group_id == target.users_group_id:
        raise Conflict("a user group cannot hold a permission on itself")
    return source, target, perm


def grant_user_group(uow: UnitOfWork, caller: Caller, ident: object, source_ident: object, perm: object):
    """Give the members of ``source`` the permission ``perm`` on ``ident``."""
    source, target, perm = _source_and_target(uow, caller, ident, source_ident, perm)
    grants.set_user_group(uow, grants.USER_GROUP, target.users_group_id, source.users_group_id, perm)
    return source, target, perm


def revoke_user_group(uow: UnitOfWork, caller: Caller, ident: object, source_ident: object):
    source, target, _ = _source_and_target(uow, caller, ident, source_ident)
    grants.revoke_user_group(uow, grants.USER_GROUP, target.users_group_id, source.users_group_id)
    return source, target
