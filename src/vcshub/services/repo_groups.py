"""Repository groups: a tree of folders in the storage, mirrored in the database (4.5)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from vcshub.db.models import RepoGroup, Repository, User
from vcshub.permissions import names
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
from vcshub.services.names import check_path_limits, clean_path, validate_path
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
    path = clean_path("group_name", group_name) if group_name is not None else ""
    if not path:
        raise Required("group_name")
    parent_path = path.rsplit("/", 1)[0] if "/" in path else None
    parent = find(uow, parent_path) if parent_path else None
    # Where the caller could never create, say so before telling whether names exist there: a
    # group he may not read is missing to him, and its children with it (1.8).
    anywhere = caller.perms.has_global("hg.repogroup.create.true")
    if parent is not None and not (anywhere or access.can_repo_group(caller, parent, "group.read")):
        parent = None
    if parent_path and parent is None:
        raise NotFound("repository group", parent_path)
    if parent_path is None and not anywhere:
        raise AccessDenied()
    if find(uow, path) is not None:
        raise AlreadyExists("repository group", path)
    if not _may_create_in(caller, parent):
        raise AccessDenied()
    _validate_full_path(path)
    description = _validate_description(description)
    owner_user = caller.user if owner is None else lookup.find_user(uow.db, owner)
    if owner_user is None:
        raise Invalid("owner", f"user `{owner}` does not exist")
    lookup.ownable(owner_user)
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


def _may_create_in(caller: Caller, parent: RepoGroup | None) -> bool:
    """``hg.repogroup.create.true`` anywhere, else ``group.admin`` on the parent (4.5)."""
    return caller.perms.has_global("hg.repogroup.create.true") or (
        parent is not None and access.can_repo_group(caller, parent, "group.admin")
    )


def _validate_full_path(path: str) -> None:
    validate_path("group_name", path)  # length and depth limits included


def _validate_description(description: object) -> str | None:
    """Text or null, checked here so that both database backends answer alike."""
    if description is not None and not isinstance(description, str):
        raise Invalid("description", "must be text")
    return description


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
    """Create the missing groups above ``repo_path`` (``a/b`` for ``a/b/repo``), for create_repo.

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
    """The group if the caller may read it, else ``repository group `<ident>` does not exist``."""
    return access.repo_group(uow, caller, ident, "group.read")


def administered(uow: UnitOfWork, caller: Caller, ident: object) -> RepoGroup:
    """The group if the caller has ``group.admin`` on it, else the not-found error."""
    return access.repo_group(uow, caller, ident, "group.admin")


def list_repo_groups(uow: UnitOfWork, caller: Caller) -> list[RepoGroup]:
    """Groups on which the caller has at least read, by full name."""
    visible = caller.perms.repo_groups()
    groups = uow.db.scalars(select(RepoGroup).options(*_LOAD))
    return sorted(
        (
            g for g in groups
            if caller.is_admin or names.at_least(visible.get(g.group_id), "group.read")
        ),
        key=lambda g: g.group_name,  # code-point order on every backend, whatever its collation
    )


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
    """Rename and/or move a group with everything below it, on disk and in the database.

    Deviation from RC4: an unknown ``parent`` is reported as not found instead of silently
    moving the group to the top level.
    """
    group = administered(uow, caller, ident)
    parent = group.parent
    if "parent" in changes:
        parent = _new_parent(uow, caller, group, changes["parent"])
    short = group.short_name
    if "group_name" in changes:
        short = clean_path("group_name", changes["group_name"])
        if not short or "/" in short:
            raise Invalid("group_name", "must be a single name")
    new_path = f"{parent.group_name}/{short}" if parent else short
    if new_path != group.group_name:
        _validate_full_path(new_path)
        if name_in_use(uow, new_path):
            raise Conflict(f"`{new_path}` already exists")
        _move(uow, group, new_path, parent)
    if "owner" in changes:
        group.owner_id = lookup.new_owner(uow.db, changes["owner"]).user_id
    if "description" in changes:
        group.description = _validate_description(changes["description"]) or ""
    if "enable_locking" in changes:
        group.enable_locking = bool(changes["enable_locking"])
    _propagate_locking(uow, group)
    uow.db.flush()
    uow.db.refresh(group)
    return group


def _new_parent(
    uow: UnitOfWork, caller: Caller, group: RepoGroup, ident: object
) -> RepoGroup | None:
    """The group to move ``group`` under (None: the top level).

    A parent the caller cannot read does not exist for him (1.8). Moving somewhere new needs
    the right to create a group there, or a group admin could make top-level groups without
    ``hg.repogroup.create.true`` by moving one out of his group.
    """
    parent = None
    if ident is not None:
        parent = lookup.repo_group(uow.db, ident)
        if not access.can_repo_group(caller, parent, "group.read"):
            raise NotFound("repository group", ident)
        if parent.group_id == group.group_id or parent.group_name.startswith(
            group.group_name + "/"
        ):
            raise Invalid("parent", "a group cannot be moved inside itself")
    moves = (parent.group_id if parent else None) != group.parent_id
    if moves and not _may_create_in(caller, parent):
        raise Invalid("parent", "no right to create repository groups there")
    return parent


def parent_choices(uow: UnitOfWork, caller: Caller, group: RepoGroup) -> list[str | None]:
    """Where :func:`update_repo_group` would move ``group`` for ``caller``, by full name (None:
    the top level): its own parent, and the groups he may read and create groups in, outside
    ``group``'s own subtree (one query, one permission map). Its administrators only."""
    access.require_repo_group(caller, group, "group.admin")
    rows = uow.db.execute(select(RepoGroup.group_id, RepoGroup.group_name)).all()
    inside = group.group_name + "/"
    rows = sorted((row for row in rows if row.group_id != group.group_id
                   and not row.group_name.startswith(inside)), key=lambda row: row.group_name)
    anywhere = caller.perms.has_global("hg.repogroup.create.true")  # super-admins too
    levels = {} if caller.is_admin else caller.perms.repo_groups([row.group_id for row in rows])
    needed = "group.read" if anywhere else "group.admin"  # as _new_parent and _may_create_in
    choices: list[str | None] = [None] if anywhere or group.parent_id is None else []
    return choices + [row.group_name for row in rows if caller.is_admin
                      or row.group_id == group.parent_id
                      or names.at_least(levels.get(row.group_id), needed)]


def _move(uow: UnitOfWork, group: RepoGroup, new_path: str, parent: RepoGroup | None) -> None:
    old_path = group.group_name
    storage.move(uow, old_path, new_path)
    old_prefix, new_prefix = old_path + "/", new_path + "/"
    for child in descendant_groups(uow, group):
        child.group_name = check_path_limits(
            "group_name", new_prefix + child.group_name[len(old_prefix):]
        )
    for repo in descendant_repos(uow, group):
        repo.repo_name = check_path_limits(
            "group_name", new_prefix + repo.repo_name[len(old_prefix):]
        )
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
    access.require_repo_group(caller, group, "group.admin")
    if descendant_groups(uow, group) or descendant_repos(uow, group):
        raise Conflict(f"repository group `{group.group_name}` is not empty")
    storage.move_aside(uow, group.group_name, f"_GROUP_{group.short_name}", to_root=True)
    uow.db.delete(group)
    uow.db.flush()
    caller.forget_permissions()
