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
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup
from vcshub.services.errors import AlreadyExists, Conflict, Invalid, NotFound, UserGroupInUse
from vcshub.services.names import validate_user_group_name
from vcshub.services.unit_of_work import UnitOfWork

_LOAD = (
    selectinload(UserGroup.members).selectinload(UserGroupMember.user),
    selectinload(UserGroup.owner),
)


def _validate_description(description: object) -> str | None:
    """Text or null, checked here so that both database backends answer alike."""
    if description is not None and not isinstance(description, str):
        raise Invalid("description", "must be text")
    return description


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
    name = validate_user_group_name(group_name)
    description = _validate_description(description)
    owner_user = caller.user if owner is None else lookup.find_user(uow.db, owner)
    if owner_user is None:
        raise Invalid("owner", f"user `{owner}` does not exist")
    lookup.ownable(owner_user)
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
    """The group if the caller may read it, else ``user group `<ident>` does not exist``."""
    return access.user_group(uow, caller, ident, "usergroup.read")


def list_user_groups(uow: UnitOfWork, caller: Caller) -> list[UserGroup]:
    """Groups on which the caller has at least read, by name."""
    visible = caller.perms.user_groups()
    groups = uow.db.scalars(select(UserGroup).options(*_LOAD))
    return sorted(
        (
            g for g in groups
            if caller.is_admin or names.at_least(visible.get(g.users_group_id), "usergroup.read")
        ),
        key=lambda g: g.group_name,  # code-point order on every backend, whatever its collation
    )


def update_user_group(
    uow: UnitOfWork, caller: Caller, ident: object, changes: Mapping
) -> UserGroup:
    """Change only the supplied keys; the owner is looked up before anything changes."""
    group = administered(uow, caller, ident)
    if "owner" in changes:
        owner = lookup.ownable(lookup.user(uow.db, changes["owner"]))
        group.owner_id = owner.user_id
    if "group_name" in changes:
        name = validate_user_group_name(changes["group_name"])
        if _name_taken(uow, name, group.users_group_id):
            raise Conflict(f"user group `{name}` already exists")
        group.group_name = name
    if "description" in changes:
        group.description = _validate_description(changes["description"])
    if "active" in changes:
        group.active = bool(changes["active"])
    uow.db.flush()
    uow.db.refresh(group)
    return group


def administered(uow: UnitOfWork, caller: Caller, ident: object) -> UserGroup:
    """The group if the caller may administer it, else ``user group `<ident>` does not exist``."""
    return access.user_group(uow, caller, ident, "usergroup.admin")


def delete_user_group(uow: UnitOfWork, caller: Caller, group: UserGroup) -> None:
    """Refused while the group holds a permission on a repository or repository group.

    Its memberships and its rows on other user groups go with it.
    """
    access.require_user_group(caller, group, "usergroup.admin")
    repos = uow.db.execute(
        select(Repository.repo_id, Repository.repo_name)
        .join(RepoUserGroupPermission, RepoUserGroupPermission.repo_id == Repository.repo_id)
        .where(RepoUserGroupPermission.users_group_id == group.users_group_id)
        .order_by(Repository.repo_id)
    ).all()
    repo_groups = uow.db.execute(
        select(RepoGroup.group_id, RepoGroup.group_name)
        .join(
            RepoGroupUserGroupPermission,
            RepoGroupUserGroupPermission.group_id == RepoGroup.group_id,
        )
        .where(RepoGroupUserGroupPermission.users_group_id == group.users_group_id)
        .order_by(RepoGroup.group_id)
    ).all()
    if repos or repo_groups:
        raise UserGroupInUse([tuple(r) for r in repos], [tuple(g) for g in repo_groups])
    uow.db.delete(group)
    uow.db.flush()


def member_target(
    uow: UnitOfWork, caller: Caller, ident: object, userid: object
) -> tuple[User, UserGroup]:
    """The user and the group of a membership change. The user is looked up first (RC4)."""
    user = lookup.user(uow.db, userid)
    return user, administered(uow, caller, ident)


def add_member(uow: UnitOfWork, caller: Caller, group: UserGroup, user: User) -> bool:
    """Add a user; False when he already was a member."""
    access.require_user_group(caller, group, "usergroup.admin")
    if any(m.user_id == user.user_id for m in group.members):
        return False
    group.members.append(UserGroupMember(user_id=user.user_id))
    uow.db.flush()
    return True


def remove_member(uow: UnitOfWork, caller: Caller, group: UserGroup, user: User) -> bool:
    """Remove a user; False when he was not a member."""
    access.require_user_group(caller, group, "usergroup.admin")
    member = next((m for m in group.members if m.user_id == user.user_id), None)
    if member is None:
        return False
    group.members.remove(member)
    uow.db.flush()
    return True


def user_grant_target(
    uow: UnitOfWork, caller: Caller, ident: object, userid: object,
    perm: object = grants.REVOKING,
) -> tuple[UserGroup, User, str | None]:
    """Group (admin needed), user and permission of a user grant, checked in the contract's order.

    ``perm`` left out skips the permission checks (revokes).
    """
    group = administered(uow, caller, ident)
    user = lookup.user(uow.db, userid)
    perm = None if perm is grants.REVOKING else grants.validate_permission(perm, "usergroup")
    return group, user, perm


def grant_user(uow: UnitOfWork, caller: Caller, group: UserGroup, user: User, perm: str) -> None:
    """Create or replace the user's row on the group."""
    access.require_user_group(caller, group, "usergroup.admin")
    grants.set_user(uow, grants.USER_GROUP, group.users_group_id, user.user_id, perm)


def revoke_user(uow: UnitOfWork, caller: Caller, group: UserGroup, user: User) -> None:
    """Remove the user's row on the group, if any."""
    access.require_user_group(caller, group, "usergroup.admin")
    grants.revoke_user(uow, grants.USER_GROUP, group.users_group_id, user.user_id)


def user_group_grant_target(
    uow: UnitOfWork, caller: Caller, ident: object, source_ident: object,
    perm: object = grants.REVOKING,
) -> tuple[UserGroup, UserGroup, str | None]:
    """Source and target of a user-group grant, checked in the contract's order.

    Non-admins need admin on the target (refused with the odd ``to user group`` text) and read
    on the source.
    """
    source = lookup.user_group(uow.db, source_ident)
    target = lookup.user_group(uow.db, ident)
    perm = None if perm is grants.REVOKING else grants.validate_permission(perm, "usergroup")
    if not access.can_user_group(caller, target, "usergroup.admin"):
        raise NotFound("to user group", ident)
    if not access.can_user_group(caller, source, "usergroup.read"):
        raise NotFound("user group", source_ident)
    return source, target, perm


def grant_user_group(
    uow: UnitOfWork, caller: Caller, source: UserGroup, target: UserGroup, perm: str
) -> None:
    """Give the members of ``source`` the permission ``perm`` on ``target``."""
    access.require_user_group(caller, target, "usergroup.admin")
    access.require_user_group(caller, source, "usergroup.read")
    if source.users_group_id == target.users_group_id:
        raise Conflict("a user group cannot hold a permission on itself")
    grants.set_user_group(
        uow, grants.USER_GROUP, target.users_group_id, source.users_group_id, perm
    )


def revoke_user_group(uow: UnitOfWork, caller: Caller, source: UserGroup, target: UserGroup) -> None:
    """Remove the row of ``source`` on ``target``, if any."""
    access.require_user_group(caller, target, "usergroup.admin")
    access.require_user_group(caller, source, "usergroup.read")
    grants.revoke_user_group(
        uow, grants.USER_GROUP, target.users_group_id, source.users_group_id
    )
