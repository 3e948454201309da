"""Repository group methods (REFERENCE.md 4.5)."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.coercion import Bool, Text
from vcshub.api.methods.user_groups import failing_as
from vcshub.api.registry import MethodSet
from vcshub.serializers.groups import repo_group_data
from vcshub.services import grants, repo_group_permissions, repo_groups
from vcshub.services.errors import Invalid
from vcshub.services.members import member_entries
from vcshub.services.names import clean_path

methods = MethodSet()


@methods.method(writes=False)
def get_repo_group(call: Call, repogroupid):
    group = repo_groups.get_repo_group(call.uow, call.caller, repogroupid)
    data = repo_group_data(group)
    data["members"] = member_entries(call.uow, grants.REPO_GROUP, group.group_id, group.owner)
    return data


@methods.method(writes=False)
def get_repo_groups(call: Call):
    return [repo_group_data(g) for g in repo_groups.list_repo_groups(call.uow, call.caller)]


def _create_failure(args) -> str:
    """RC4 prints the cleaned path (``//a//b/`` → ``a/b``) in this message."""
    raw = args.get("group_name")
    try:
        name = clean_path("group_name", raw)
    except Invalid:
        name = raw
    return f"failed to create repo group `{name}`"


@methods.method(failure=_create_failure)
def create_repo_group(
    call: Call, group_name: Text, description: Text = "", owner=None,
    copy_permissions: Bool = False, parent=None,
):
    if parent is not None and isinstance(group_name, str) and group_name.strip("/"):
        # Kallithea's (and older clients') ``parent``: the group goes inside it. The service
        # checks the right to create there.
        above = repo_groups.get_repo_group(call.uow, call.caller, parent)
        group_name = f"{above.group_name}/{group_name.strip('/')}"
    group = repo_groups.create_repo_group(
        call.uow, call.caller, group_name, description, owner, copy_permissions
    )
    return {
        "msg": f"Created new repo group `{group.group_name}`",
        "repo_group": repo_group_data(group),
    }


@methods.method(failure="failed to update repository group `{repogroupid}`")
def update_repo_group(
    call: Call,
    repogroupid,
    group_name: Text = None,
    description: Text = None,
    owner=None,
    parent=None,
    enable_locking: Bool = None,
):
    changes = call.supplied("group_name", "description", "owner", "parent", "enable_locking")
    group = repo_groups.update_repo_group(call.uow, call.caller, repogroupid, changes)
    return {
        "msg": f"updated repository group ID:{group.group_id} {group.group_name}",
        "repo_group": repo_group_data(group),
    }


@methods.method()
def delete_repo_group(call: Call, repogroupid):
    group = repo_groups.administered(call.uow, call.caller, repogroupid)
    ident = f"ID:{group.group_id} {group.group_name}"
    # Deviation: a group with contents is refused with the same text (RC4's API does not check).
    with failing_as(f"failed to delete repo group {ident}"):
        repo_groups.delete_repo_group(call.uow, call.caller, group)
    return {"msg": f"deleted repo group {ident}", "repo_group": None}


def _user_failure(userid, group) -> str:
    return (
        f"failed to edit permission for user: `{userid}` in repo group: `{group.short_name}`"
    )


def _group_failure(usergroup, group) -> str:
    return (
        f"failed to edit permission for user group: `{usergroup}` "
        f"in repo group: `{group.short_name}`"
    )


@methods.method()
def grant_user_permission_to_repo_group(
    call: Call, repogroupid, userid, perm, apply_to_children: Text = "none"
):
    group, user, perm = repo_group_permissions.user_grant_target(
        call.uow, call.caller, repogroupid, userid, perm
    )
    with failing_as(_user_failure(userid, group)):
        repo_group_permissions.grant_user(call.uow, call.caller, group, user, perm, apply_to_children)
    return {
        "msg": f"Granted perm: `{perm}` (recursive:{apply_to_children}) for user: "
        f"`{user.username}` in repo group: `{group.short_name}`",
        "success": True,
    }


@methods.method()
def revoke_user_permission_from_repo_group(
    call: Call, repogroupid, userid, apply_to_children: Text = "none"
):
    group, user, _ = repo_group_permissions.user_grant_target(call.uow, call.caller, repogroupid, userid)
    with failing_as(_user_failure(userid, group)):
        repo_group_permissions.revoke_user(call.uow, call.caller, group, user, apply_to_children)
    return {
        "msg": f"Revoked perm (recursive:{apply_to_children}) for user: "
        f"`{user.username}` in repo group: `{group.short_name}`",
        "success": True,
    }


@methods.method()
def grant_user_group_permission_to_repo_group(
    call: Call, repogroupid, usergroupid, perm, apply_to_children: Text = "none"
):
    group, user_group, perm = repo_group_permissions.user_group_grant_target(
        call.uow, call.caller, repogroupid, usergroupid, perm
    )
    with failing_as(_group_failure(usergroupid, group)):
        repo_group_permissions.grant_user_group(call.uow, call.caller, group, user_group, perm, apply_to_children)
    return {
        "msg": f"Granted perm: `{perm}` (recursive:{apply_to_children}) for user group: "
        f"`{user_group.group_name}` in repo group: `{group.short_name}`",
        "success": True,
    }


@methods.method()
def revoke_user_group_permission_from_repo_group(
    call: Call, repogroupid, usergroupid, apply_to_children: Text = "none"
):
    group, user_group, _ = repo_group_permissions.user_group_grant_target(
        call.uow, call.caller, repogroupid, usergroupid
    )
    # Unlike the grant, RC4 names the user group here, not the argument as passed.
    with failing_as(_group_failure(user_group.group_name, group)):
        repo_group_permissions.revoke_user_group(call.uow, call.caller, group, user_group, apply_to_children)
    return {
        "msg": f"Revoked perm (recursive:{apply_to_children}) for user group: "
        f"`{user_group.group_name}` in repo group: `{group.short_name}`",
        "success": True,
    }
