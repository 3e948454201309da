"""Grants on repository groups to users and user groups, copied down to what the group holds
per ``apply_to_children`` (4.5 permission methods, REFERENCE.md 2.6).

As in repo_permissions: ``*_target`` resolves and checks in the contract's order for the API's
error texts; the writers check the caller again themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from vcshub.db.models import RepoGroup, Repository, User, UserGroup
from vcshub.db.models.base import utcnow
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import access, grants, lookup
from vcshub.services.errors import NotFound
from vcshub.services.repo_groups import administered
from vcshub.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Targets:
    """What one grant or revoke on a group writes (2.6): the group itself first, then the
    sub-groups and the repositories below it that ``apply_to_children`` takes, by full name."""

    groups: list[tuple[int, str]]  # (group id, full name)
    repos: list[tuple[int, str]]  # (repository id, full name)

    @property
    def group_ids(self) -> list[int]:
        return [group_id for group_id, _name in self.groups]

    @property
    def repo_ids(self) -> list[int]:
        return [repo_id for repo_id, _name in self.repos]


def scope_of_change(
    uow: UnitOfWork, group: RepoGroup, member: User | UserGroup, apply_to_children: object,
    *, granting: bool,
) -> Targets:
    """The objects a grant (``granting``) or a revoke of ``member``'s rows on ``group`` writes.

    The one computation behind both the writers below and the web page's preview
    (:func:`vcshub.services.repo_group_access.preview`), so what an administrator is shown is
    what is then written. Unknown ``apply_to_children`` values mean ``none``. A recursive grant
    leaves the ``default`` row of a private repository alone (2.6); a revoke does not (RC4).
    """
    groups = [(group.group_id, group.group_name)]
    repos: list[tuple[int, str]] = []
    below = group.group_name + "/"
    if apply_to_children in ("groups", "all"):
        groups += sorted(
            uow.db.execute(
                select(RepoGroup.group_id, RepoGroup.group_name).where(
                    RepoGroup.group_name.startswith(below, autoescape=True)
                )
            ).all(),
            key=lambda row: row.group_name,  # code-point order on every backend
        )
    if apply_to_children in ("repos", "all"):
        keep_private = granting and _is_default_user(member)
        rows = uow.db.execute(
            select(Repository.repo_id, Repository.repo_name, Repository.private).where(
                Repository.repo_name.startswith(below, autoescape=True)
            )
        )
        repos = sorted(
            ((repo_id, name) for repo_id, name, private in rows
             if not (private and keep_private)),
            key=lambda row: row[1],
        )
    return Targets(groups, repos)


def _is_default_user(member: User | UserGroup) -> bool:
    """(RC4 compares a user id with the name ``default``, so its guard never fires; 2.6
    Deviation: the intended rule is kept.)"""
    return isinstance(member, User) and member.username == DEFAULT_USERNAME


def user_grant_target(
    uow: UnitOfWork, caller: Caller, ident: object, userid: object,
    perm: object = grants.REVOKING,
) -> tuple[RepoGroup, User, str | None]:
    """Group (admin needed), user and permission of a user grant, in the contract's order.

    ``perm`` left out skips the permission checks (revokes).
    """
    group = administered(uow, caller, ident)
    user = lookup.user(uow.db, userid)
    perm = None if perm is grants.REVOKING else grants.validate_permission(perm, "group")
    return group, user, perm


def grant_user(
    uow: UnitOfWork,
    caller: Caller,
    group: RepoGroup,
    user: User,
    perm: str,
    apply_to_children: object = "none",
) -> None:
    """Set the user's row on the group and, per ``apply_to_children``, below it (2.6)."""
    access.require_repo_group(caller, group, "group.admin")
    targets = scope_of_change(uow, group, user, apply_to_children, granting=True)
    copy = grants.Copy(group.group_id, utcnow())  # what the rows below the group keep
    own, *below = targets.group_ids
    grants.set_user(uow, grants.REPO_GROUP, own, user.user_id, perm)
    grants.set_user_many(uow, grants.REPO_GROUP, below, user.user_id, perm, copy)
    repo_perm = names.translate(perm, grants.REPO.prefix)
    grants.set_user_many(uow, grants.REPO, targets.repo_ids, user.user_id, repo_perm, copy)


def revoke_user(
    uow: UnitOfWork, caller: Caller, group: RepoGroup, user: User, apply_to_children: object = "none"
) -> None:
    """Remove the user's rows on the group and, per ``apply_to_children``, below it."""
    access.require_repo_group(caller, group, "group.admin")
    targets = scope_of_change(uow, group, user, apply_to_children, granting=False)
    grants.revoke_user_many(uow, grants.REPO_GROUP, targets.group_ids, user.user_id)
    grants.revoke_user_many(uow, grants.REPO, targets.repo_ids, user.user_id)


def user_group_grant_target(
    uow: UnitOfWork, caller: Caller, ident: object, usergroupid: object,
    perm: object = grants.REVOKING,
) -> tuple[RepoGroup, UserGroup, str | None]:
    """Group and user group of a user-group grant, checked in the contract's order.

    Non-admins need ``group.admin`` on the group and at least read on the user group.
    """
    group = lookup.repo_group(uow.db, ident)
    perm = None if perm is grants.REVOKING else grants.validate_permission(perm, "group")
    user_group = lookup.user_group(uow.db, usergroupid)
    if not access.can_repo_group(caller, group, "group.admin"):
        raise NotFound("repository group", ident)
    if not access.can_user_group(caller, user_group, "usergroup.read"):
        raise NotFound("user group", usergroupid)
    return group, user_group, perm


def grant_user_group(
    uow: UnitOfWork,
    caller: Caller,
    group: RepoGroup,
    user_group: UserGroup,
    perm: str,
    apply_to_children: object = "none",
) -> None:
    """Set the user group's row on the group and, per ``apply_to_children``, below it."""
    access.require_repo_group(caller, group, "group.admin")
    access.require_user_group(caller, user_group, "usergroup.read")
    targets = scope_of_change(uow, group, user_group, apply_to_children, granting=True)
    group_id = user_group.users_group_id
    copy = grants.Copy(group.group_id, utcnow())  # what the rows below the group keep
    own, *below = targets.group_ids
    grants.set_user_group(uow, grants.REPO_GROUP, own, group_id, perm)
    grants.set_user_group_many(uow, grants.REPO_GROUP, below, group_id, perm, copy)
    repo_perm = names.translate(perm, grants.REPO.prefix)
    grants.set_user_group_many(uow, grants.REPO, targets.repo_ids, group_id, repo_perm, copy)


def revoke_user_group(
    uow: UnitOfWork,
    caller: Caller,
    group: RepoGroup,
    user_group: UserGroup,
    apply_to_children: object = "none",
) -> None:
    """Remove the user group's rows on the group and, per ``apply_to_children``, below it."""
    access.require_repo_group(caller, group, "group.admin")
    access.require_user_group(caller, user_group, "usergroup.read")
    targets = scope_of_change(uow, group, user_group, apply_to_children, granting=False)
    group_id = user_group.users_group_id
    grants.revoke_user_group_many(uow, grants.REPO_GROUP, targets.group_ids, group_id)
    grants.revoke_user_group_many(uow, grants.REPO, targets.repo_ids, group_id)
