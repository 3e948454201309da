"""What the ``/_admin/user_groups`` pages show: who may manage user groups at all, one page of
the groups a caller administers (filtered, counted in SQL), one group's permission rows and
what it still holds elsewhere (which decides whether it can be deleted).

The changes themselves are services/user_groups.py, the very functions the API's
``create_user_group``, ``add_user_to_user_group``, ``grant_user_permission_to_user_group`` …
call. As there, a user group is managed by a super-admin or by whoever holds
``usergroup.admin`` on it (its owner gets that row when it is made), not by super-admins
only; everything here checks its caller itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from vcshub.db.models import (
    RepoGroup,
    RepoGroupUserGroupPermission,
    Repository,
    RepoUserGroupPermission,
    User,
    UserGroup,
    UserGroupMember,
    UserGroupUserGroupPermission,
)
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork

PAGE_SIZE = 50
FILTER_LIMIT = 255
CREATE = "hg.usergroup.create.true"


@dataclass(frozen=True)
class GroupRow:
    group: UserGroup
    members: int
    owner: str


@dataclass(frozen=True)
class GroupPage:
    rows: list[GroupRow]
    total: int  # groups matching the filter, on every page
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _administered_ids(caller: Caller) -> list[int] | None:
    """Ids of the groups the caller administers; None: every group (a super-admin)."""
    if caller.is_admin:
        return None
    return [gid for gid, perm in caller.perms.user_groups().items()
            if names.at_least(perm, "usergroup.admin")]


def may_create(caller: Caller) -> bool:
    return caller.perms.has_global(CREATE)


def may_manage(caller: Caller) -> bool:
    """Whether the user-group pages exist for the caller: he may create a group or already
    administers one. For anyone else they are missing, like any unknown address."""
    ids = _administered_ids(caller)
    return ids is None or bool(ids) or may_create(caller)


def find_user_groups(uow: UnitOfWork, caller: Caller, text: str = "", page: int = 1,
                     page_size: int = PAGE_SIZE) -> GroupPage:
    """One page of the groups the caller administers whose name or description contains
    ``text`` (any case), by name, with each one's member count and owner."""
    ids = _administered_ids(caller)
    members = (select(func.count(UserGroupMember.member_id))
               .where(UserGroupMember.users_group_id == UserGroup.users_group_id)
               .correlate(UserGroup).scalar_subquery())
    query = (select(UserGroup, members, User.username)
             .join(User, User.user_id == UserGroup.owner_id))
    if ids is not None:
        query = query.where(UserGroup.users_group_id.in_(ids or [-1]))
    text = (text or "").strip()[:FILTER_LIMIT]
    if text:
        # LIKE's own characters are literal here: ``a_b`` finds "a_b", not "axb"
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\")
                                  for column in (UserGroup.group_name, UserGroup.description))))
    total = uow.db.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, page)
    found = uow.db.execute(query.order_by(func.lower(UserGroup.group_name),
                                          UserGroup.users_group_id)
                           .offset((page - 1) * page_size).limit(page_size))
    return GroupPage([GroupRow(g, count, owner) for g, count, owner in found], total, page,
                     page_size)


def managed_group(uow: UnitOfWork, caller: Caller, ident: object) -> UserGroup | None:
    """The group if the caller may administer it; None when it is missing or he may not (the
    page then does not exist for him either way)."""
    found = uow.db.get(UserGroup, ident) if lookup.possible_id(ident) is not None else None
    if found is None or not access.can_user_group(caller, found, "usergroup.admin"):
        return None
    return found


def permission_rows(uow: UnitOfWork, caller: Caller, group: UserGroup):
    """The rows written on the group: (``default``'s permission, users, user groups)."""
    access.require_user_group(caller, group, "usergroup.admin")
    return grants.named_rows(uow, grants.USER_GROUP, group.users_group_id)


def held_permissions(uow: UnitOfWork, caller: Caller, group: UserGroup
                     ) -> dict[str, list[tuple[str, str]]]:
    """The rows the group holds, by kind (repositories, repository groups, user groups), as
    (name, permission) by name: what its members get through it. While a repository or a
    repository group is listed it cannot be deleted (user_groups.delete_user_group refuses);
    its rows on other user groups go with it."""
    access.require_user_group(caller, group, "usergroup.admin")
    held = {}
    for kind, name, table, column, object_column, subject in (
            ("repositories", Repository.repo_name, RepoUserGroupPermission,
             RepoUserGroupPermission.repo_id, Repository.repo_id,
             RepoUserGroupPermission.users_group_id),
            ("repository groups", RepoGroup.group_name, RepoGroupUserGroupPermission,
             RepoGroupUserGroupPermission.group_id, RepoGroup.group_id,
             RepoGroupUserGroupPermission.users_group_id),
            ("user groups", UserGroup.group_name, UserGroupUserGroupPermission,
             UserGroupUserGroupPermission.target_group_id, UserGroup.users_group_id,
             UserGroupUserGroupPermission.source_group_id)):
        rows = uow.db.execute(select(name, table.permission).join(table, column == object_column)
                              .where(subject == group.users_group_id)).all()
        held[kind] = sorted((tuple(row) for row in rows), key=lambda row: row[0].lower())
    return held


def named_user(uow: UnitOfWork, field: str, name: str) -> User:
    """The user a form names (exactly, by name): a typo is bad input (400), not a missing
    page."""
    found = uow.db.scalar(select(User).where(User.username == name)) if name else None
    if found is None:
        raise Invalid(field, f"there is no user named `{name}`")
    return found
