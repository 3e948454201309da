"""Repository group methods (REFERENCE.md 4.5)."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.coercion import Bool
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers.groups import repo_group_data
from vcshub.services import access, grants, lookup, repo_groups
from vcshub.services.errors import DomainError
from vcshub.services.members import member_entries

methods = MethodSet()


@methods.method()
def get_repo_group(call: Call, repogroupid):
    group = repo_groups.get_repo_group(call.uow, call.caller, repogroupid)
    data = repo_group_data(group)
    data["members"] = member_entries(call.uow, grants.REPO_GROUP, group.group_id, group.owner)
    return data


@methods.method()
def get_repo_groups(call: Call):
    return [repo_group_data(g) for g in repo_groups.list_repo_groups(call.uow, call.caller)]


@methods.method(failure="failed to create repo group `{group_name}`")
def create_repo_group(
    call: Call, group_name, description="", owner=None, copy_permissions: Bool = False
):
    group = repo_groups.create_repo_group(
        call.uow, call.caller, group_name, description, owner, copy_permissions
    )
    return {"msg": f"Created new repo group `{group.group_name}`", "repo_group": repo_group_data(group)}


@methods.method(failure="failed to update repository group `{repogroupid}`")
def update_repo_group(
    call: Call,
    repogroupid,
    group_name=None,
    description=None,
    owner=None,
    parent=None,
    enable_locking: Bool = None,
):
    changes = call.supplied("group_name", "description", "owner", "parent", "enable_locking")
    group = access.repo_group(call.uow, call.caller, repogroupid, "group.admin")
    if changes.get("parent") is not None:
        lookup.repo_group(call.uow.db, changes["parent"])  # Deviation: unknown parent is named
    group = repo_groups.update_repo_group(call.uow, call.caller, group.group_id, changes)
    return {
        "msg": f"updated repository group ID:{group.group_id} {group.group_name}",
        "repo_group": repo_group_data(group),
    }


@methods.method()
def delete_repo_group(call: Call, repogroupid):
    group = access.repo_group(call.uow, call.caller, repogroupid, "group.admin")
    ident = f"ID:{group.group_id} {group.group_name}"
    try:
        repo_groups.delete_repo_group(call.uow, call.caller, group)
    except DomainError:
        raise ApiError(f"failed to delete repo group {ident}") from None
    return {"msg": f"deleted repo group {ident}", "repo_group": None}


def _short(ident) -> str:
    return str(ident).rstrip("/").rsplit("/", 1)[-1]


def _user_failure(args) -> str:
    return (
        f"failed to edit permission for user: `{args.get('userid')}` "
        f"in repo group: `{_short(args.get('repogroupid'))}`"
    )


def _group_failure(args) -> str:
    return (
        f"failed to edit permission for user group: `{args.get('usergroupid')}` "
        f"in repo group: `{_short(args.get('repogroupid'))}`"
    )


@methods.method(failure=_user_failure)
def grant_user_permission_to_repo_group(
    call: Call, repogroupid, userid, perm, apply_to_children="none"
):
    user, group, perm = repo_groups.grant_user(
        call.uow, call.caller, repogroupid, userid, perm, apply_to_children
    )
    return {
        "msg": f"Granted perm: `{perm}` (recursive:{apply_to_children}) for user: "
        f"`{user.username}` in repo group: `{group.short_name}`",
        "success": True,
    }


@methods.method(failure=_user_failure)
def revoke_user_permission_from_repo_group(call: Call, repogroupid, userid, apply_to_children="none"):
    user, group = repo_groups.revoke_user(
        call.uow, call.caller, repogroupid, userid, apply_to_children
    )
    return {
        "msg": f"Revoked perm (recursive:{apply_to_children}) for user: "
        f"`{user.username}` in repo group: `{group.short_name}`",
        "success": True,
    }


@methods.method(failure=_group_failure)
def grant_user_group_permission_to_repo_group(
    call: Call, repogroupid, usergroupid, perm, apply_to_children="none"
):
    user_group, group, perm = repo_groups.grant_user_group(
        call.uow, call.caller, repogroupid, usergroupid, perm, apply_to_children
    )
    return {
        "msg": f"Granted perm: `{perm}` (recursive:{apply_to_children}) for user group: "
        f"`{user_group.group_name}` in repo group: `{group.short_name}`",
        "success": True,
    }


@methods.method(failure=_group_failure)
def revoke_user_group_permission_from_repo_group(
    call: Call, repogroupid, usergroupid, apply_to_children="none"
):
    user_group, group = repo_groups.revoke_user_group(
        call.uow, call.caller, repogroupid, usergroupid, apply_to_children
    )
    return {
        "msg": f"Revoked perm (recursive:{apply_to_children}) for user group: "
        f"`{user_group.group_name}` in repo group: `{group.short_name}`",
        "success": True,
    }
