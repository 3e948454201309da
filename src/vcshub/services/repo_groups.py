"""Repository groups: a tree of folders in the storage, mirrored in the database (4.5)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from vcshub.db.models import RepoGroup, Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup, storage
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    Invalid,
    NotFound,
    Required,
)
from vcshub.services.names import clean_path, validate_path
from vcshub.services.unit_of_work import UnitOfWork

_LOAD = (selectinload(RepoGroup.owner), selectinload(RepoGroup.repositories))


def find(uow: UnitOfWork, path: str) -> RepoGroup | None:
    return uow.db.scalar(select(RepoGroup).where(RepoGroup.group_name == path))


def name_in_use(uow: UnitOfWork, path: str) -> bool:
    """A full path is taken by a group or a repository (they share one namespace on disk)."""
    return find(uow, path) is not None or (
        uow.db.scalar(select(Repository.repo_id).where(Repository.repo_name == path)) is not None
    )


def first_super_admin(uow: UnitOfWork) -> User:
    return uow.db.scalar(select(User).where(User.admin.is_(True)).order_by(User.user_id).limit(1))


def create_repo_group(
    uow: UnitOfWork,
    caller: Caller,
    group_name: object,
    description: str = "",
    owner: object = None,
    copy_permissions: bool = False,
) -> RepoGroup:
    """Create a group inside an existing parent (parents are never auto-created here)."""
    path = clean_path("group_name", group_name)
    if not path:
        raise Required("group_name")
    if find(uow, path) is not None:
        raise AlreadyExists("repository group", path)
    parent_path = path.rsplit("/", 1)[0] if "/" in path else None
    parent = find(uow, parent_path) if parent_path else None
    if parent_path and parent is None:
        raise NotFound("repository group", parent_path)
    may_create = caller.perms.has_global("hg.repogroup.create.true") or (
        parent is not None and access.can_repo_group(caller, parent, "group.admin")
    )
    if not may_create:
        raise AccessDenied()
    validate_path("group_name", path)
    owner_user = caller.user if owner is None else lookup.find_user(uow.db, owner)
    if owner_user is None:
        raise Invalid("owner", f"user `{owner}` does not exist")
    if name_in_use(uow, path):
        raise Conflict(f"`{path}` is already used by a repository")
    group = _new_group(uow, path, parent, owner_user, description or path)
    if copy_permissions and parent is not None:
        grants.copy_rows(uow, grants.REPO_GROUP, parent.group_id, grants.REPO_GROUP, group.group_id)
    else:
        grants.write_initial_rows(uow, grants.REPO_GROUP, group.group_id)
    if not owner_user.admin:
        grants.set_user(uow, grants.REPO_GROUP, group.group_id, owner_user.user_id, "group.admin")
    caller.forget_permissions()
    return group


def _new_group(
    uow: UnitOfWork, path: str, parent: RepoGroup | None, owner: User, description: str
) -> RepoGroup:
    storage.make_dir(uow, path)
    group = RepoGroup(
        group_name=path,
        parent_id=parent.group_id if parent else None,
        description=description,
        owner_id=owner.user_id,
        enable_locking=False,
    )
    uow.db.add(group)
    uow.db.flush()
    return group


def ensure_parents(uow: UnitOfWork, repo_path: str) -> RepoGroup | None:
    """Create the missing groups above ``repo_path`` (``a/b`` for ``a/b/repo``), as create_repo does.

    Auto-created groups belong to the first super-admin, with the default row only (2.3).
    """
    parts = repo_path.split("/")[:-1]
    parent = None
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        group = find(uow, path)
        if group is None:
            group = _new_group(uow, path, parent, first_super_admin(uow), f"{path} group")
            grants.write_initial_rows(uow, grants.REPO_GROUP, group.group_id)
        parent = group
    return parent


def get_repo_group(uow: UnitOfWork, caller: Caller, ident: object) -> RepoGroup:
    return access.repo_group(uow, caller, ident, "group.read")


def list_repo_groups(uow: UnitOfWork, caller: Caller) -> list[RepoGroup]:
    """Groups on which the caller has at least read, by full name."""
    visible = caller.perms.repo_groups()
    groups = uow.db.scalars(select(RepoGroup).options(*_LOAD).order_by(RepoGroup.group_name))
    return [
        g for g in groups
        if caller.is_admin or visible.get(g.group_id, "group.none") != "group.none"
    ]


def descendant_groups(uow: UnitOfWork, group: RepoGroup) -> list[RepoGroup]:
    return list(
        uow.db.scalars(
            select(RepoGroup).where(
                RepoGroup.group_name.startswith(group.group_name + "/", autoescape=True)
            )
        )
    )


def descendant_repos(uow: UnitOfWork, group: RepoGroup) -> list[Repository]:
    return list(
        uow.db.scalars(
            select(Repository).where(
                Repository.repo_name.startswith(group.group_name + "/", autoescape=True)
            )
        )
    )


def update_repo_group(
    uow: UnitOfWork, caller: Caller, ident: object, changes: Mapping
) -> RepoGroup:
    """Rename and/or move a group with everything below it, on disk and in the database."""
    group = access.repo_group(uow, caller, ident, "group.admin")
    parent = group.parent
    if "parent" in changes:
        parent = None if changes["parent"] is None else lookup.repo_group(uow.db, changes["parent"])
        if parent is not None and (
            parent.group_id == group.group_id
            or parent.group_name.startswith(group.group_name + "/")
        ):
            raise Invalid("parent", "a group cannot be moved inside itself")
    short = group.short_name
    if "group_name" in changes:
        short = clean_path("group_name", changes["group_name"])
        if not short or "/" in short:
            raise Invalid("group_name", "must be a single name")
    new_path = f"{parent.group_name}/{short}" if parent else short
    if new_path != group.group_name:
        validate_path("group_name", new_path)
        if name_in_use(uow, new_path):
            raise Conflict(f"`{new_path}` already exists")
        _move(uow, group, new_path, parent)
    if "owner" in changes:
        owner = lookup.find_user(uow.db, changes["owner"])
        if owner is None:
            raise Invalid("owner", f"user `{changes['owner']}` does not exist")
        group.owner_id = owner.user_id
    if "description" in changes:
        group.description = changes["description"] or ""
    if "enable_locking" in changes:
        group.enable_locking = bool(changes["enable_locking"])
    _propagate_locking(uow, group)
    uow.db.flush()
    uow.db.refresh(group)
    return group


def _move(uow: UnitOfWork, group: RepoGroup, new_path: str, parent: RepoGroup | None) -> None:
    old_path = group.group_name
    storage.move(uow, old_path, new_path)
    old_prefix, new_prefix = old_path + "/", new_path + "/"
    for child in descendant_groups(uow, group):
        child.group_name = new_prefix + child.group_name[len(old_prefix):]
    for repo in descendant_repos(uow, group):
        repo.repo_name = new_prefix + repo.repo_name[len(old_prefix):]
    group.group_name = new_path
    group.parent_id = parent.group_id if parent else None
    uow.db.flush()


def _propagate_locking(uow: UnitOfWork, group: RepoGroup) -> None:
    """Every update copies the group's locking flag to all groups and repositories below it."""
    prefix = group.group_name + "/"
    uow.db.execute(
        update(RepoGroup)
        .where(RepoGroup.group_name.startswith(prefix, autoescape=True))
        .values(enable_locking=group.enable_locking)
        .execution_options(synchronize_session="fetch")
    )
    uow.db.execute(
        update(Repository)
        .where(Repository.repo_name.startswith(prefix, autoescape=True))
        .values(enable_locking=group.enable_locking)
        .execution_options(synchronize_session="fetch")
    )


def delete_repo_group(uow: UnitOfWork, caller: Caller, group: RepoGroup) -> None:
    """Delete an empty group; its folder is moved aside to the storage root, not erased."""
    if descendant_groups(uow, group) or descendant_repos(uow, group):
        raise Conflict(f"repository group `{group.group_name}` is not empty")
    storage.move_aside(uow, group.group_name, f"_GROUP_{group.short_name}", to_root=True)
    uow.db.delete(group)
    uow.db.flush()
    caller.forget_permissions()


def _children(uow: UnitOfWork, group: RepoGroup, apply_to_children: object):
    """Groups and repositories a recursive grant touches (2.6); unknown values mean none."""
    groups = [group]
    repos: list[Repository] = []
    if apply_to_children in ("groups", "all"):
        groups += descendant_groups(uow, group)
    if apply_to_children in ("repos", "all"):
        repos = descendant_repos(uow, group)
    return groups, repos


def grant_user(uow, caller, ident, userid, perm, apply_to_children="none"):
    group = access.repo_group(uow, caller, ident, "group.admin")
    user = lookup.user(uow.db, userid)
    perm = grants.validate_permission(perm, "group")
    groups, repos = _children(uow, group, apply_to_children)
    for g in groups:
        grants.set_user(uow, grants.REPO_GROUP, g.group_id, user.user_id, perm)
    repo_perm = perm.replace("group.", "repository.", 1)
    for repo in repos:
        if repo.private and user.username == "default":
            continue  # a recursive grant never opens a private repository to everyone
        grants.set_user(uow, grants.REPO, repo.repo_id, user.user_id, repo_perm)
    return user, group, perm


def revoke_user(uow, caller, ident, userid, apply_to_children="none"):
    group = access.repo_group(uow, caller, ident, "group.admin")
    user = lookup.user(uow.db, userid)
    groups, repos = _children(uow, group, apply_to_children)
    for g in groups:
        grants.revoke_user(uow, grants.REPO_GROUP, g.group_id, user.user_id)
    for repo in repos:
        if repo.private and user.username == "default":
            continue
        grants.revoke_user(uow, grants.REPO, repo.repo_id, user.user_id)
    return user, group


def grant_user_group(uow, caller, ident, usergroupid, perm, apply_to_children="none"):
    group = lookup.repo_group(uow.db, ident)
    perm = grants.validate_permission(perm, "group")
    user_group = lookup.user_group(uow.db, usergroupid)
    _check_group_admin_and_reader(caller, group, ident, user_group, usergroupid)
    groups, repos = _children(uow, group, apply_to_children)
    for g in groups:
        grants.set_user_group(uow, grants.REPO_GROUP, g.group_id, user_group.users_group_id, perm)
    repo_perm = perm.replace("group.", "repository.", 1)
    for repo in repos:
        grants.set_user_group(uow, grants.REPO, repo.repo_id, user_group.users_group_id, repo_perm)
    return user_group, group, perm


def revoke_user_group(uow, caller, ident, usergroupid, apply_to_children="none"):
    group = lookup.repo_group(uow.db, ident)
    user_group = lookup.user_group(uow.db, usergroupid)
    _check_group_admin_and_reader(caller, group, ident, user_group, usergroupid)
    groups, repos = _children(uow, group, apply_to_children)
    for g in groups:
        grants.revoke_user_group(uow, grants.REPO_GROUP, g.group_id, user_group.users_group_id)
    for repo in repos:
        grants.revoke_user_group(uow, grants.REPO, repo.repo_id, user_group.users_group_id)
    return user_group, group


def _check_group_admin_and_reader(caller, group, ident, user_group, usergroupid) -> None:
    if not access.can_repo_group(caller, group, "group.admin"):
        raise NotFound("repository group", ident)
    if not access.can_user_group(caller, user_group, "usergroup.read"):
        raise NotFound("user group", usergroupid)
