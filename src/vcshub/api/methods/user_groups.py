"""User group methods (REFERENCE.md 4.3), with the older `users_group` names as aliases."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from vcshub.api.call import Call
from vcshub.api.coercion import Bool, Text
from vcshub.api.errors import ApiError, contract_message
from vcshub.api.registry import MethodSet
from vcshub.serializers.groups import user_group_data
from vcshub.services import grants, user_groups
from vcshub.services.errors import DomainError
from vcshub.services.members import member_entries

log = logging.getLogger(__name__)
methods = MethodSet()


@contextlib.contextmanager
def failing_as(message: str) -> Iterator[None]:
    """Report any failure of the operation inside as the method's generic text.

    Used where that text names objects resolved by the method (a group's name when the client
    passed its id), which a ``failure=`` template built from the raw arguments cannot do.
    Errors with a contract text of their own pass through unchanged.
    """
    try:
        yield
    except ApiError:
        raise
    except DomainError as exc:
        if contract_message(exc) is not None:
            raise
        raise ApiError(message) from exc
    except Exception as exc:
        log.exception("API operation failed: %s", message)
        raise ApiError(message) from exc


_GROUP_ARG = {"usersgroupid": "usergroupid", "group_name": "usergroupid"}
_MEMBER_ARGS = {**_GROUP_ARG, "username": "userid", "user_name": "userid"}


@methods.method(aliases=["get_users_group"], legacy_args=_GROUP_ARG, writes=False)
def get_user_group(call: Call, usergroupid):
    group = user_groups.get_user_group(call.uow, call.caller, usergroupid)
    data = user_group_data(group, secrets=False)
    data["members"] = member_entries(call.uow, grants.USER_GROUP, group.users_group_id, group.owner)
    return data


@methods.method(aliases=["get_users_groups"], writes=False)
def get_user_groups(call: Call):
    secrets = call.caller.is_admin
    return [
        user_group_data(g, secrets=secrets)
        for g in user_groups.list_user_groups(call.uow, call.caller)
    ]


@methods.method(
    aliases=["create_users_group"],
    legacy_args={"name": "group_name"},
    failure="failed to create group `{group_name}`",
)
def create_user_group(
    call: Call, group_name: Text, description: Text = "", owner=None, active: Bool = True
):
    group = user_groups.create_user_group(
        call.uow, call.caller, group_name, description, owner, active
    )
    return {
        "msg": f"created new user group `{group.group_name}`",
        "user_group": user_group_data(group, secrets=False),
    }


@methods.method(failure="failed to update user group `{usergroupid}`")
def update_user_group(
    call: Call, usergroupid, group_name: Text = None, description: Text = None, owner=None,
    active: Bool = None,
):
    changes = call.supplied("group_name", "description", "owner", "active")
    group = user_groups.update_user_group(call.uow, call.caller, usergroupid, changes)
    return {
        "msg": f"updated user group ID:{group.users_group_id} {group.group_name}",
        "user_group": user_group_data(group, secrets=call.caller.is_admin),
    }


@methods.method()
def delete_user_group(call: Call, usergroupid):
    group = user_groups.administered(call.uow, call.caller, usergroupid)
    ident = f"ID:{group.users_group_id} {group.group_name}"
    with failing_as(f"failed to delete user group {ident}"):
        user_groups.delete_user_group(call.uow, call.caller, group)
    return {"msg": f"deleted user group {ident}", "user_group": None}


@methods.method(
    aliases=["add_user_to_users_group", "add_user_users_group"], legacy_args=_MEMBER_ARGS
)
def add_user_to_user_group(call: Call, usergroupid, userid):
    user, group = user_groups.member_target(call.uow, call.caller, usergroupid, userid)
    with failing_as(f"failed to add member to user group `{group.group_name}`"):
        added = user_groups.add_member(call.uow, call.caller, group, user)
    if not added:
        return {"success": False, "msg": "User is already in that group"}
    return {
        "success": True,
        "msg": f"added member `{user.username}` to user group `{group.group_name}`",
    }


@methods.method(aliases=["remove_user_from_users_group"], legacy_args=_MEMBER_ARGS)
def remove_user_from_user_group(call: Call, usergroupid, userid):
    user, group = user_groups.member_target(call.uow, call.caller, usergroupid, userid)
    with failing_as(f"failed to remove member from user group `{group.group_name}`"):
        removed = user_groups.remove_member(call.uow, call.caller, group, user)
    if not removed:
        return {"success": False, "msg": "User wasn't in group"}
    return {
        "success": True,
        "msg": f"removed member `{user.username}` from user group `{group.group_name}`",
    }


def _user_failure(userid, group) -> str:
    return f"failed to edit permission for user: `{userid}` in user group: `{group.group_name}`"


@methods.method()
def grant_user_permission_to_user_group(call: Call, usergroupid, userid, perm):
    group, user, perm = user_groups.user_grant_target(
        call.uow, call.caller, usergroupid, userid, perm
    )
    with failing_as(_user_failure(userid, group)):
        user_groups.grant_user(call.uow, call.caller, group, user, perm)
    return {
        "msg": f"Granted perm: `{perm}` for user: `{user.username}` "
        f"in user group: `{group.group_name}`",
        "success": True,
    }


@methods.method()
def revoke_user_permission_from_user_group(call: Call, usergroupid, userid):
    group, user, _ = user_groups.user_grant_target(call.uow, call.caller, usergroupid, userid)
    with failing_as(_user_failure(userid, group)):
        user_groups.revoke_user(call.uow, call.caller, group, user)
    return {
        "msg": f"Revoked perm for user: `{user.username}` in user group: `{group.group_name}`",
        "success": True,
    }


def _group_failure(sourceusergroupid, target) -> str:
    return (
        f"failed to edit permission for user group: `{sourceusergroupid}` "
        f"in user group: `{target.group_name}`"
    )


@methods.method()
def grant_user_group_permission_to_user_group(call: Call, usergroupid, sourceusergroupid, perm):
    source, target, perm = user_groups.user_group_grant_target(
        call.uow, call.caller, usergroupid, sourceusergroupid, perm
    )
    with failing_as(_group_failure(sourceusergroupid, target)):
        user_groups.grant_user_group(call.uow, call.caller, source, target, perm)
    return {
        "msg": f"Granted perm: `{perm}` for user group: `{source.group_name}` "
        f"in user group: `{target.group_name}`",
        "success": True,
    }


@methods.method()
def revoke_user_group_permission_from_user_group(call: Call, usergroupid, sourceusergroupid):
    source, target, _ = user_groups.user_group_grant_target(
        call.uow, call.caller, usergroupid, sourceusergroupid
    )
    with failing_as(_group_failure(sourceusergroupid, target)):
        user_groups.revoke_user_group(call.uow, call.caller, source, target)
    return {
        "msg": f"Revoked perm for user group: `{source.group_name}` "
        f"in user group: `{target.group_name}`",
        "success": True,
    }
