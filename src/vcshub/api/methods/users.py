"""User methods (REFERENCE.md 4.2)."""

from __future__ import annotations

import logging

from vcshub.api.call import Call
from vcshub.api.coercion import Bool, Text
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers.users import user_data
from vcshub.services import lookup, users
from vcshub.services.errors import DomainError
from vcshub.services.permission_report import permission_report

log = logging.getLogger(__name__)

methods = MethodSet()


@methods.method(writes=False)
def get_user(call: Call, userid=None):
    user = users.with_details(call.uow, users.target_user(call.uow, call.caller, userid))
    data = user_data(user, secrets=True)
    data["permissions"] = permission_report(call.uow, user)
    return data


@methods.method(writes=False)
def get_users(call: Call):
    return [user_data(u, secrets=True) for u in users.list_users(call.uow, call.caller)]


@methods.method(failure="failed to create user `{username}`")
def create_user(
    call: Call,
    username: Text,
    email: Text,
    password: Text = "",
    firstname: Text = "",
    lastname: Text = "",
    active: Bool = True,
    admin: Bool = False,
    extern_name: Text = "rhodecode",
    extern_type: Text = "rhodecode",
    force_password_change: Bool = False,
    ldap_dn: Text = None,
):
    legacy = _from_ldap_dn(call)
    extern_name = legacy.get("extern_name", extern_name)
    extern_type = legacy.get("extern_type", extern_type)
    user = users.create_user(
        call.uow,
        call.caller,
        username=username,
        email=email,
        password=password,
        firstname=firstname,
        lastname=lastname,
        active=active,
        admin=admin,
        extern_name=extern_name,
        extern_type=extern_type,
        force_password_change=force_password_change,
    )
    return {"msg": f"created new user `{user.username}`", "user": user_data(user, secrets=True)}


@methods.method(failure="failed to update user `{userid}`")
def update_user(
    call: Call,
    userid,
    username: Text = None,
    email: Text = None,
    password: Text = None,
    firstname: Text = None,
    lastname: Text = None,
    active: Bool = None,
    admin: Bool = None,
    extern_type: Text = None,
    extern_name: Text = None,
    ldap_dn: Text = None,
):
    changes = call.supplied(
        "username", "email", "password", "firstname", "lastname", "active", "admin",
        "extern_type", "extern_name",
    )
    changes.update(_from_ldap_dn(call))
    user = users.update_user(call.uow, call.caller, userid, changes)
    return {
        "msg": f"updated user ID:{user.user_id} {user.username}",
        "user": user_data(user, secrets=True),
    }


@methods.method()
def delete_user(call: Call, userid):
    # The failure text names the resolved user, so the lookup must succeed before we wrap.
    users.require_admin(call.caller)
    target = lookup.user(call.uow.db, userid)
    user_id, username = target.user_id, target.username
    failed = f"failed to delete user ID:{user_id} {username}"
    try:
        users.delete_user(call.uow, call.caller, user_id)
    except DomainError:  # an expected refusal (still owns repositories, ...): no traceback
        raise ApiError(failed) from None
    except Exception:  # 4.2: any failure at all is reported with this one text
        log.exception("delete_user %s failed", user_id)
        raise ApiError(failed) from None
    return {"msg": f"deleted user ID:{user_id} {username}", "user": None}


def _from_ldap_dn(call: Call) -> dict:
    """RhodeCode 1.x-2.x sent ``ldap_dn``: it is ``extern_name`` of type ``ldap`` (section 6).

    The current names win when both are sent.
    """
    if "ldap_dn" not in call.args or "extern_name" in call.args:
        return {}
    mapped = {"extern_name": call.args["ldap_dn"]}
    if "extern_type" not in call.args:
        mapped["extern_type"] = "ldap"
    return mapped
