"""Permission methods on repositories (REFERENCE.md 4.4), with their RhodeCode 1.x names."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.methods.user_groups import failing_as
from vcshub.api.registry import MethodSet
from vcshub.services import repo_permissions

methods = MethodSet()

_REPO_USER = {"repo_name": "repoid", "username": "userid", "user_name": "userid"}
_REPO_GROUP = {"repo_name": "repoid", "usersgroupid": "usergroupid", "group_name": "usergroupid"}


def _user_failure(userid, repoid) -> str:
    # Both as passed (RC4).
    return f"failed to edit permission for user: `{userid}` in repo: `{repoid}`"


def _group_failure(usergroup, repo) -> str:
    # The repository by its name; the user group as passed (grant) or by name (revoke).
    return f"failed to edit permission for user group: `{usergroup}` in repo: `{repo.repo_name}`"


def _grant_user(call: Call, repoid, userid, perm) -> dict:
    repo, user, perm = repo_permissions.user_grant_target(
        call.uow, call.caller, repoid, userid, perm
    )
    with failing_as(_user_failure(userid, repoid)):
        repo_permissions.grant_user(call.uow, call.caller, repo, user, perm)
    return {
        "msg": f"Granted perm: `{perm}` for user: `{user.username}` in repo: `{repo.repo_name}`",
        "success": True,
    }


def _revoke_user(call: Call, repoid, userid) -> dict:
    repo, user = repo_permissions.user_revoke_target(call.uow, call.caller, repoid, userid)
    with failing_as(_user_failure(userid, repoid)):
        repo_permissions.revoke_user(call.uow, call.caller, repo, user)
    return {
        "msg": f"Revoked perm for user: `{user.username}` in repo: `{repo.repo_name}`",
        "success": True,
    }


def _grant_user_group(call: Call, repoid, usergroupid, perm) -> dict:
    repo, user_group, perm = repo_permissions.user_group_grant_target(
        call.uow, call.caller, repoid, usergroupid, perm
    )
    with failing_as(_group_failure(usergroupid, repo)):
        repo_permissions.grant_user_group(call.uow, call.caller, repo, user_group, perm)
    return {
        "msg": f"Granted perm: `{perm}` for user group: `{user_group.group_name}` "
        f"in repo: `{repo.repo_name}`",
        "success": True,
    }


def _revoke_user_group(call: Call, repoid, usergroupid) -> dict:
    repo, user_group = repo_permissions.user_group_revoke_target(
        call.uow, call.caller, repoid, usergroupid
    )
    with failing_as(_group_failure(user_group.group_name, repo)):
        repo_permissions.revoke_user_group(call.uow, call.caller, repo, user_group)
    return {
        "msg": f"Revoked perm for user group: `{user_group.group_name}` "
        f"in repo: `{repo.repo_name}`",
        "success": True,
    }


@methods.method(legacy_args=_REPO_USER)
def grant_user_permission(call: Call, repoid, userid, perm):
    return _grant_user(call, repoid, userid, perm)


@methods.method(legacy_args=_REPO_USER)
def revoke_user_permission(call: Call, repoid, userid):
    return _revoke_user(call, repoid, userid)


@methods.method(aliases=["grant_users_group_permission"], legacy_args=_REPO_GROUP)
def grant_user_group_permission(call: Call, repoid, usergroupid, perm):
    return _grant_user_group(call, repoid, usergroupid, perm)


@methods.method(aliases=["revoke_users_group_permission"], legacy_args=_REPO_GROUP)
def revoke_user_group_permission(call: Call, repoid, usergroupid):
    return _revoke_user_group(call, repoid, usergroupid)


@methods.method("add_user_to_repo", legacy_args=_REPO_USER)
def add_user_to_repo(call: Call, repoid, userid, perm=None):
    """RhodeCode 1.2: grant, or revoke when ``perm`` is null."""
    if perm is None:
        return _revoke_user(call, repoid, userid)
    return _grant_user(call, repoid, userid, perm)


@methods.method("add_users_group_to_repo", legacy_args=_REPO_GROUP)
def add_users_group_to_repo(call: Call, repoid, usergroupid, perm=None):
    """RhodeCode 1.2: grant to a user group, or revoke when ``perm`` is null."""
    if perm is None:
        return _revoke_user_group(call, repoid, usergroupid)
    return _grant_user_group(call, repoid, usergroupid, perm)
