"""Permissions on user groups (REFERENCE.md 4.3, 2.5): grants, revokes, check order, effect."""

from __future__ import annotations

from tests.api.user_group_world import new_group, user_group_perms
from tests.factories import make_user


# -- user permissions on user groups ----------------------------------------------------------
def test_grant_and_revoke_user_permission(admin_api):
    user = make_user(admin_api)
    group = new_group(admin_api)
    name = group["group_name"]
    result = admin_api.result("grant_user_permission_to_user_group",
                              usergroupid=group["users_group_id"], userid=user.user_id,
                              perm="usergroup.write")
    assert result == {
        "msg": f"Granted perm: `usergroup.write` for user: `{user.username}` "
        f"in user group: `{name}`",
        "success": True,
    }
    assert user_group_perms(admin_api, user)[name] == "usergroup.write"
    result = admin_api.result("revoke_user_permission_from_user_group",
                              usergroupid=name, userid=user.username)
    assert result == {
        "msg": f"Revoked perm for user: `{user.username}` in user group: `{name}`",
        "success": True,
    }
    assert user_group_perms(admin_api, user)[name] == "usergroup.read"  # back to the default
    # Revoking again is fine.
    assert admin_api.result("revoke_user_permission_from_user_group",
                            usergroupid=name, userid=user.username)["success"] is True


def test_grant_user_permission_check_order(admin_api):
    user = make_user(admin_api)
    name = new_group(admin_api)["group_name"]
    call = admin_api.error
    method = "grant_user_permission_to_user_group"
    assert call(method, usergroupid="nope-ug", userid="nope-u", perm="bad") == (
        "user group `nope-ug` does not exist"
    )
    assert call(method, usergroupid=name, userid="nope-u", perm="bad") == (
        "user `nope-u` does not exist"
    )
    assert call(method, usergroupid=name, userid=user.username, perm="usergroup.owner") == (
        "permission `usergroup.owner` does not exist"
    )
    assert call(method, usergroupid=name, userid=user.username, perm="group.read") == (
        "permission `group.read` is invalid, should start with usergroup."
    )
    assert call(method, usergroupid=name, userid=user.username, perm="hg.admin") == (
        "permission `hg.admin` is invalid, should start with usergroup."
    )
    assert call("revoke_user_permission_from_user_group", usergroupid="nope-ug",
                userid="nope-u") == "user group `nope-ug` does not exist"
    assert call("revoke_user_permission_from_user_group", usergroupid=name,
                userid="nope-u") == "user `nope-u` does not exist"


def test_user_permission_methods_need_group_admin(admin_api):
    owner, writer, user = (make_user(admin_api) for _ in range(3))
    name = new_group(admin_api, owner=owner.username)["group_name"]
    admin_api.result("grant_user_permission_to_user_group", usergroupid=name,
                     userid=writer.username, perm="usergroup.write")
    assert writer.api.error("grant_user_permission_to_user_group", usergroupid=name,
                            userid=user.username, perm="usergroup.admin") == (
        f"user group `{name}` does not exist"
    )
    assert writer.api.error("revoke_user_permission_from_user_group", usergroupid=name,
                            userid=writer.username) == f"user group `{name}` does not exist"
    assert owner.api.result("grant_user_permission_to_user_group", usergroupid=name,
                            userid=user.username, perm="usergroup.admin")["success"] is True
    # Now an admin of the group, the user may grant as well.
    assert user.api.result("grant_user_permission_to_user_group", usergroupid=name,
                           userid=writer.username, perm="usergroup.read")["success"] is True


# -- user-group permissions on user groups ----------------------------------------------------
def test_grant_and_revoke_user_group_permission(admin_api):
    member = make_user(admin_api)
    source, target = new_group(admin_api), new_group(admin_api)
    admin_api.result("add_user_to_user_group", usergroupid=source["group_name"],
                     userid=member.username)
    result = admin_api.result("grant_user_group_permission_to_user_group",
                              usergroupid=target["users_group_id"],
                              sourceusergroupid=source["users_group_id"], perm="usergroup.admin")
    assert result == {
        "msg": f"Granted perm: `usergroup.admin` for user group: `{source['group_name']}` "
        f"in user group: `{target['group_name']}`",
        "success": True,
    }
    assert user_group_perms(admin_api, member)[target["group_name"]] == "usergroup.admin"
    # Members may now administer the target group.
    assert member.api.result("update_user_group", usergroupid=target["group_name"],
                             description="by member")
    result = admin_api.result("revoke_user_group_permission_from_user_group",
                              usergroupid=target["group_name"],
                              sourceusergroupid=source["group_name"])
    assert result == {
        "msg": f"Revoked perm for user group: `{source['group_name']}` "
        f"in user group: `{target['group_name']}`",
        "success": True,
    }
    assert user_group_perms(admin_api, member)[target["group_name"]] == "usergroup.read"


def test_grant_user_group_permission_check_order(admin_api):
    owner, outsider = make_user(admin_api), make_user(admin_api)
    target = new_group(admin_api, owner=owner.username)
    source = new_group(admin_api)
    hidden = new_group(admin_api)
    admin_api.result("revoke_user_permission_from_user_group",
                     usergroupid=hidden["group_name"], userid="default")
    method = "grant_user_group_permission_to_user_group"
    t, s = target["group_name"], source["group_name"]
    assert admin_api.error(method, usergroupid="nope-t", sourceusergroupid="nope-s",
                           perm="x") == "user group `nope-s` does not exist"
    assert admin_api.error(method, usergroupid="nope-t", sourceusergroupid=s, perm="x") == (
        "user group `nope-t` does not exist"
    )
    assert admin_api.error(method, usergroupid=t, sourceusergroupid=s, perm="x") == (
        "permission `x` does not exist"
    )
    assert admin_api.error(method, usergroupid=t, sourceusergroupid=s,
                           perm="repository.read") == (
        "permission `repository.read` is invalid, should start with usergroup."
    )
    # Non-admins: first admin on the target (odd text), then read on the source.
    assert outsider.api.error(method, usergroupid=t, sourceusergroupid=s,
                              perm="usergroup.read") == f"to user group `{t}` does not exist"
    assert outsider.api.error(method, usergroupid=target["users_group_id"],
                              sourceusergroupid=s, perm="usergroup.read") == (
        f"to user group `{target['users_group_id']}` does not exist"
    )
    assert owner.api.error(method, usergroupid=t, sourceusergroupid=hidden["group_name"],
                           perm="usergroup.read") == (
        f"user group `{hidden['group_name']}` does not exist"
    )
    assert owner.api.result(method, usergroupid=t, sourceusergroupid=s,
                            perm="usergroup.read")["success"] is True
    revoke = "revoke_user_group_permission_from_user_group"
    assert outsider.api.error(revoke, usergroupid=t, sourceusergroupid=s) == (
        f"to user group `{t}` does not exist"
    )
    assert admin_api.error(revoke, usergroupid=t, sourceusergroupid="nope-s") == (
        "user group `nope-s` does not exist"
    )
    assert owner.api.result(revoke, usergroupid=t, sourceusergroupid=s)["success"] is True


def test_grant_user_group_permission_on_itself_fails(admin_api):
    group = new_group(admin_api)
    assert admin_api.error("grant_user_group_permission_to_user_group",
                           usergroupid=group["users_group_id"],
                           sourceusergroupid=group["users_group_id"],
                           perm="usergroup.read") == (
        f"failed to edit permission for user group: `{group['users_group_id']}` "
        f"in user group: `{group['group_name']}`"
    )


# -- effective permissions on user groups (2.5) ----------------------------------------------
def test_group_row_replaces_default_and_user_row_beats_group(admin_api):
    user = make_user(admin_api)
    via = new_group(admin_api)
    target = new_group(admin_api)
    tname = target["group_name"]
    admin_api.result("add_user_to_user_group", usergroupid=via["group_name"], userid=user.username)
    admin_api.result("grant_user_group_permission_to_user_group", usergroupid=tname,
                     sourceusergroupid=via["group_name"], perm="usergroup.none")
    assert user_group_perms(admin_api, user)[tname] == "usergroup.none"
    assert user.api.error("get_user_group", usergroupid=tname).endswith("does not exist")
    admin_api.result("grant_user_permission_to_user_group", usergroupid=tname,
                     userid=user.username, perm="usergroup.read")
    assert user_group_perms(admin_api, user)[tname] == "usergroup.read"
    admin_api.result("revoke_user_permission_from_user_group", usergroupid=tname,
                     userid=user.username)
    # An inactive group's rows do not count.
    admin_api.result("update_user_group", usergroupid=via["group_name"], active=False)
    assert user_group_perms(admin_api, user)[tname] == "usergroup.read"
