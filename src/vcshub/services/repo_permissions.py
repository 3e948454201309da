"""Grants on repositories to users and user groups (4.4, permission methods)."""

from __future__ import annotations

from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, lookup
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork


def _require_admin(caller: Caller, repo, ident) -> None:
    if not access.can_repo(caller, repo, "repository.admin"):
        raise NotFound("repository", ident)


def grant_user(uow: UnitOfWork, caller: Caller, repoid: object, userid: object, perm: object):
    repo = lookup.repo(uow.db, repoid)
    user = lookup.user(uow.db, userid)
    perm = grants.validate_permission(perm, "repository")
    _require_admin(caller, repo, repoid)
    grants.set_user(uow, grants.REPO, repo.repo_id, user.user_id, perm)
    return user, repo, perm


def revoke_user(uow: UnitOfWork, caller: Caller, repoid: object, userid: object):
    """Remove the user's row; revoking ``default`` removes the object default altogether."""
    repo = lookup.repo(uow.db, repoid)
    user = lookup.user(uow.db, userid)
    _require_admin(caller, repo, repoid)
    grants.revoke_user(uow, grants.REPO, repo.repo_id, user.user_id)
    return user, repo


def grant_user_group(
    uow: UnitOfWork, caller: Caller, repoid: object, usergroupid: object, perm: object
):
    repo = lookup.repo(uow.db, repoid)
    perm = grants.validate_permission(perm, "repository")
    _require_admin(caller, repo, repoid)
    user_group = access.user_group(uow, caller, usergroupid, "usergroup.read")
    grants.set_user_group(uow, grants.REPO, repo.repo_id, user_group.users_group_id, perm)
    return user_group, repo, perm


def revoke_user_group(uow: UnitOfWork, caller: Caller, repoid: object, usergroupid: object):
    repo = lookup.repo(uow.db, repoid)
    _require_admin(caller, repo, repoid)
    user_group = access.user_group(uow, caller, usergroupid, "usergroup.read")
    grants.revoke_user_group(uow, grants.REPO, repo.repo_id, user_group.users_group_id)
    return user_group, repo
