"""Permission methods on repositories (REFERENCE.md 4.4), with their RhodeCode 1.x names."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.registry import MethodSet
from vcshub.services import repo_permissions

methods = MethodSet()

_REPO_USER = {"repo_name": "repoid", "username": "userid", "user_name": "userid"}
_REPO_GROUP = {"repo_name": "repoid", "usersgroupid": "usergroupid", "group_name": "usergroupid"}


def _user_failure(args) -> str:
    return (
        f"failed to edit permission for user: `{args.get('userid')}` "
        f"in repo: `{args.get('repoid')}`"
    )


def _group_failure(args) -> str:
    return (
        f"failed to edit permission for user group: `{args.get('usergroupid')}` "
        f"in repo: `{args.get('repoid')}`"
    )


def _granted_user(user, repo, perm) -> dict:
    return {
        "msg": f"Granted perm: `{perm}` for user: `{user.username}` in repo: `{repo.repo_name}`",
        "success": True,
    }


def _revoked_user(user, repo) -> dict:
    return {
        "msg": f"Revoked perm for user: `{user.username}` in repo: `{repo.repo_name}`",
        "success": True,
    }


def _granted_group(group, repo, perm) -> dict:
    return {
        "msg": f"Granted perm: `{perm}` for user group: `{group.group_name}` "
        f"in repo: `{repo.repo_name}`",
        "success": True,
    }


def _revoked_group(group, repo) -> dict:
    return {
        "msg": f"Revoked perm for user group: `{group.group_name}` in repo: `{repo.repo_name}`",
        "success": True,
    }


@methods.method(legacy_args=_REPO_USER, failure=_user_failure)
def grant_user_permission(call: Call, repoid, userid, perm):
    return _granted_user(*repo_permissions.grant_user(call.uow, call.caller, repoid, userid, perm))


@methods.method(legacy_args=_REPO_USER, failure=_user_failure)
def revoke_user_permission(call: Call, repoid, userid):
    return _revoked_user(*repo_permissions.revoke_user(call.uow, call.caller, repoid, userid))


@methods.method(
    aliases=["grant_users_group_permission"], legacy_args=_REPO_GROUP, failure=_group_failure
)
def grant_user_group_permission(call: Call, repoid, usergroupid, perm):
    return _granted_group(
        *repo_permissions.grant_user_group(call.uow, call.caller, repoid, usergroupid, perm)
    )


@methods.method(
    aliases=["revoke_users_group_permission"], legacy_args=_REPO_GROUP, failure=_group_failure
)
def revoke_user_group_permission(call: Call, repoid, usergroupid):
    return _revoked_group(
        *repo_permissions.revoke_user_group(call.uow, call.caller, repoid, usergroupid)
    )


@methods.method("add_user_to_repo", legacy_args=_REPO_USER, failure=_user_failure)
def add_user_to_repo(call: Call, repoid, userid, perm=None):
    """RhodeCode 1.2: grant, or revoke when ``perm`` is null."""
    if perm is None:
        return _revoked_user(*repo_permissions.revoke_user(call.uow, call.caller, repoid, userid))
    return _granted_user(*repo_permissions.grant_user(call.uow, call.caller, repoid, userid, perm))


@methods.method("add_users_group_to_repo", legacy_args=_REPO_GROUP, failure=_group_failure)
def add_users_group_to_repo(call: Call, repoid, usergroupid, perm=None):
    """RhodeCode 1.2: grant to a user group, or revoke when ``perm`` is null."""
    if perm is None:
        return _revoked_group(
            *repo_permissions.revoke_user_group(call.uow, call.caller, repoid, usergroupid)
        )
    return _granted_group(
        *repo_permissions.grant_user_group(call.uow, call.caller, repoid, usergroupid, perm)
    )
