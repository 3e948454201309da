"""Grants on repositories to users and user groups (4.4, permission methods).

Each method first resolves its targets with the checks in the contract's order
(``*_target``), then writes; the API reports a failure of the write with names it resolved.
"""

from __future__ import annotations

from vcshub.db.models import Repository, User, UserGroup
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork


def _require_admin(caller: Caller, repo: Repository, ident: object) -> None:
    if not access.can_repo(caller, repo, "repository.admin"):
        raise NotFound("repository", ident)


def user_grant_target(
    uow: UnitOfWork, caller: Caller, repoid: object, userid: object, perm: object
) -> tuple[Repository, User, str]:
    """Repository, user, permission (name, then family), then admin on the repository."""
    repo = lookup.repo(uow.db, repoid)
    user = lookup.user(uow.db, userid)
    perm = grants.validate_permission(perm, "repository")
    _require_admin(caller, repo, repoid)
    return repo, user, perm


def user_revoke_target(
    uow: UnitOfWork, caller: Caller, repoid: object, userid: object
) -> tuple[Repository, User]:
    """Repository, user, then admin on the repository."""
    repo = lookup.repo(uow.db, repoid)
    user = lookup.user(uow.db, userid)
    _require_admin(caller, repo, repoid)
    return repo, user


def grant_user(uow: UnitOfWork, caller: Caller, repo: Repository, user: User, perm: str) -> None:
    """Create or replace the user's row on the repository."""
    access.require_repo(caller, repo, "repository.admin")
    grants.set_user(uow, grants.REPO, repo.repo_id, user.user_id, perm)


def revoke_user(uow: UnitOfWork, caller: Caller, repo: Repository, user: User) -> None:
    """Remove the user's row (none is fine); for ``default`` that removes the object default."""
    access.require_repo(caller, repo, "repository.admin")
    grants.revoke_user(uow, grants.REPO, repo.repo_id, user.user_id)


def user_group_grant_target(
    uow: UnitOfWork, caller: Caller, repoid: object, usergroupid: object, perm: object
) -> tuple[Repository, UserGroup, str]:
    """Repository, permission, admin on the repository, then read on the user group."""
    repo = lookup.repo(uow.db, repoid)
    perm = grants.validate_permission(perm, "repository")
    _require_admin(caller, repo, repoid)
    user_group = access.user_group(uow, caller, usergroupid, "usergroup.read")
    return repo, user_group, perm


def user_group_revoke_target(
    uow: UnitOfWork, caller: Caller, repoid: object, usergroupid: object
) -> tuple[Repository, UserGroup]:
    """Repository, admin on the repository, then read on the user group."""
    repo = lookup.repo(uow.db, repoid)
    _require_admin(caller, repo, repoid)
    return repo, access.user_group(uow, caller, usergroupid, "usergroup.read")


def grant_user_group(
    uow: UnitOfWork, caller: Caller, repo: Repository, user_group: UserGroup, perm: str
) -> None:
    access.require_repo(caller, repo, "repository.admin")
    access.require_user_group(caller, user_group, "usergroup.read")
    grants.set_user_group(uow, grants.REPO, repo.repo_id, user_group.users_group_id, perm)


def revoke_user_group(uow: UnitOfWork, caller: Caller, repo: Repository, user_group: UserGroup) -> None:
    access.require_repo(caller, repo, "repository.admin")
    access.require_user_group(caller, user_group, "usergroup.read")
    grants.revoke_user_group(uow, grants.REPO, repo.repo_id, user_group.users_group_id)
