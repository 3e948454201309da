"""What a repository group's settings pages show its administrators: the permission rows
written on the group, and the preview of a grant or revoke with "apply to children" — every
group and repository it will write, with the row there now and the row after.

The preview takes its targets from
:func:`vcshub.services.repo_group_permissions.scope_of_change`, the computation the grant and
revoke themselves run, and reads the rows in place the same way they are written, so what the
administrator confirms is what is written. Its ``digest`` lets the page refuse a confirmation
when the tree changed in between (a repository added below, a row changed by someone else).

Rows are copied down when applied and never inherited afterwards (REFERENCE.md 2.5, 2.6): a
child keeps its copy when the group's row changes later, unless that change is applied to it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from vcshub.db.models import RepoGroup, Repository, User, UserGroup
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup, repo_group_permissions
from vcshub.services.grants import Row
from vcshub.services.unit_of_work import UnitOfWork


def administered_by(uow: UnitOfWork, user: User | None, name: str) -> RepoGroup | None:
    """The group named ``name`` if ``user`` administers it (``group.admin``, super-admins);
    None when it is missing or he may not: the settings pages answer both alike."""
    if user is None or lookup.possible_name(name) is None:
        return None
    group = uow.db.scalar(select(RepoGroup).where(RepoGroup.group_name == name))
    if group is None or not access.can_repo_group(Caller(uow.db, user), group, "group.admin"):
        return None
    return group


@dataclass(frozen=True)
class GroupAccess:
    default: str | None  # the ``default`` user's row; None when revoked
    users: list[Row]
    user_groups: list[Row]
    groups_below: int  # what "apply to children" can reach
    repos_below: int


def access_report(uow: UnitOfWork, caller: Caller, group: RepoGroup) -> GroupAccess:
    """The rows written on ``group``, by name; its administrators (and super-admins) only."""
    access.require_repo_group(caller, group, "group.admin")
    default, users, user_groups = grants.named_rows(uow, grants.REPO_GROUP, group.group_id)
    return GroupAccess(default, users, user_groups, *contents(uow, caller, group))


def contents(uow: UnitOfWork, caller: Caller, group: RepoGroup) -> tuple[int, int]:
    """(groups, repositories) anywhere below ``group``, for its administrators: what "apply
    to children" reaches, and what must go before the group may be deleted."""
    access.require_repo_group(caller, group, "group.admin")
    below = group.group_name + "/"
    groups = uow.db.scalar(select(func.count(RepoGroup.group_id)).where(
        RepoGroup.group_name.startswith(below, autoescape=True)))
    repos = uow.db.scalar(select(func.count(Repository.repo_id)).where(
        Repository.repo_name.startswith(below, autoescape=True)))
    return groups, repos


@dataclass(frozen=True)
class Change:
    """One row a grant or revoke writes: ``kind`` "group" or "repository"; ``before`` the
    member's row there now and ``after`` the row afterwards (None: no row)."""

    kind: str
    name: str
    before: str | None
    after: str | None

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Preview:
    changes: list[Change]  # the group first, then the groups below, then the repositories
    digest: str  # of the whole list: the confirmation must carry it back unchanged

    @property
    def changing(self) -> int:
        return sum(1 for change in self.changes if change.changes)


def preview(uow: UnitOfWork, caller: Caller, group: RepoGroup, member: User | UserGroup,
            perm: str | None, apply_to_children: str) -> Preview:
    """What granting ``perm`` to ``member`` (``perm`` None: revoking his rows) on ``group``
    with ``apply_to_children`` will write, checked as the change itself is: ``group.admin`` on
    the group and, for a user group, at least read on it. Writes nothing."""
    access.require_repo_group(caller, group, "group.admin")
    if isinstance(member, UserGroup):
        access.require_user_group(caller, member, "usergroup.read")
    if perm is not None:
        perm = grants.validate_permission(perm, "group")
    targets = repo_group_permissions.scope_of_change(uow, group, member, apply_to_children,
                                                    granting=perm is not None)
    rows_on = grants.user_rows_on if isinstance(member, User) else grants.user_group_rows_on
    member_id = member.user_id if isinstance(member, User) else member.users_group_id
    on_groups = rows_on(uow, grants.REPO_GROUP, targets.group_ids, member_id)
    on_repos = rows_on(uow, grants.REPO, targets.repo_ids, member_id)
    repo_perm = names.translate(perm, grants.REPO.prefix) if perm is not None else None
    changes = [Change("group", name, on_groups.get(object_id), perm)
               for object_id, name in targets.groups]
    changes += [Change("repository", name, on_repos.get(object_id), repo_perm)
                for object_id, name in targets.repos]
    digest = hashlib.sha256("\n".join(
        f"{c.kind}\t{c.name}\t{c.before}\t{c.after}" for c in changes).encode()).hexdigest()
    return Preview(changes, digest)
