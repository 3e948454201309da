"""Grants on repository groups to users and user groups, copied down to what the group holds
per ``apply_to_children`` (4.5 permission methods, REFERENCE.md 2.6).

As in repo_permissions: ``*_target`` resolves and checks in the contract's order for the API's
error texts; the writers check the caller again themselves.
"""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import RepoGroup, Repository, User, UserGroup
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import access, grants, lookup
from vcshub.services.errors import NotFound
from vcshub.services.repo_groups import administered
from vcshub.services.unit_of_work import UnitOfWork


def _children(
    uow: UnitOfWork, group: RepoGroup, apply_to_children: object
) -> tuple[list[int], list[tuple[int, bool]]]:
    """Ids of the groups and (id, private) of the repositories a recursive change touches (2.6).

    Unknown ``apply_to_children`` values mean ``none``.
    """
    groups = [group.group_id]
    repos: list[tuple[int, bool]] = []
    below = group.group_name + "/"
    if apply_to_children in ("groups", "all"):
        groups += uow.db.scalars(
            select(RepoGroup.group_id).where(
                RepoGroup.group_name.startswith(below, autoescape=True)
            )
        )
    if apply_to_children in ("repos", "all"):
        repos = [
            (repo_id, bool(private))
            for repo_id, private in uow.db.execute(
                select(Repository.repo_id, Repository.private).where(
                    Repository.repo_name.startswith(below, autoescape=True)
                )
            )
        ]
    return groups, repos


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
    groups, repos = _children(uow, group, apply_to_children)
    grants.set_user_many(uow, grants.REPO_GROUP, groups, user.user_id, perm)
    repos = _without_private_defaults(repos, user)
    repo_perm = names.translate(perm, grants.REPO.prefix)
    grants.set_user_many(uow, grants.REPO, repos, user.user_id, repo_perm)


def revoke_user(
    uow: UnitOfWork, caller: Caller, group: RepoGroup, user: User, apply_to_children: object = "none"
) -> None:
    """Remove the user's rows on the group and, per ``apply_to_children``, below it."""
    access.require_repo_group(caller, group, "group.admin")
    groups, repos = _children(uow, group, apply_to_children)
    grants.revoke_user_many(uow, grants.REPO_GROUP, groups, user.user_id)
    # Unlike a grant (2.6), a recursive revoke removes private repositories' rows too (RC4).
    grants.revoke_user_many(uow, grants.REPO, [repo_id for repo_id, _ in repos], user.user_id)


def _without_private_defaults(repos: list[tuple[int, bool]], user: User) -> list[int]:
    """A recursive change never touches the ``default`` row of a private repository.

    (RC4 compares a user id with the name ``default``, so its guard never fires; 2.6 Deviation.)
    """
    skip_private = user.username == DEFAULT_USERNAME
    return [repo_id for repo_id, private in repos if not (private and skip_private)]


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
    groups, repos = _children(uow, group, apply_to_children)
    grants.set_user_group_many(uow, grants.REPO_GROUP, groups, user_group.users_group_id, perm)
    repo_perm = names.translate(perm, grants.REPO.prefix)
    repo_ids = [repo_id for repo_id, _ in repos]
    grants.set_user_group_many(uow, grants.REPO, repo_ids, user_group.users_group_id, repo_perm)


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
    groups, repos = _children(uow, group, apply_to_children)
    grants.revoke_user_group_many(uow, grants.REPO_GROUP, groups, user_group.users_group_id)
    repo_ids = [repo_id for repo_id, _ in repos]
    grants.revoke_user_group_many(uow, grants.REPO, repo_ids, user_group.users_group_id)
