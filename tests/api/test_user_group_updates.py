"""Changing user groups (REFERENCE.md 4.3): update, delete and membership."""

from __future__ import annotations

from tests.api.user_group_world import MASK, new_group
from tests.factories import make_user, unique


# -- update_user_group ------------------------------------------------------------------------
def test_update_user_group_changes_only_supplied_keys(admin_api):
    owner = make_user(admin_api)
    group = new_group(admin_api, description="keep me")
    new_name = unique("ugrenamed")
    result = admin_api.result("update_user_group", usergroupid=group["group_name"],
                              group_name=new_name, owner=owner.username, active="0")
    assert result["msg"] == f"updated user group ID:{group['users_group_id']} {new_name}"
    updated = result["user_group"]
    assert updated["group_name"] == new_name
    assert updated["owner"] == owner.username
    assert updated["active"] is False
    assert updated["group_description"] == "keep me"
    only_id = admin_api.result("update_user_group", usergroupid=group["users_group_id"])
    assert only_id["user_group"] == updated


def test_update_user_group_errors(admin_api):
    group = new_group(admin_api)
    other = new_group(admin_api)
    assert admin_api.error("update_user_group", usergroupid="nope-ug", owner="nobody-xyz") == (
        "user group `nope-ug` does not exist"
    )
    assert admin_api.error("update_user_group", usergroupid=group["users_group_id"],
                           owner="nobody-xyz") == "user `nobody-xyz` does not exist"
    assert admin_api.error("update_user_group", usergroupid=group["users_group_id"],
                           group_name=other["group_name"]) == (
        f"failed to update user group `{group['users_group_id']}`"
    )


def test_update_user_group_needs_group_admin(admin_api):
    owner, writer = make_user(admin_api), make_user(admin_api)
    group = new_group(admin_api, owner=owner.username)
    name = group["group_name"]
    admin_api.result("grant_user_permission_to_user_group", usergroupid=name,
                     userid=writer.username, perm="usergroup.write")
    assert writer.api.error("update_user_group", usergroupid=name, description="x") == (
        f"user group `{name}` does not exist"
    )
    result = owner.api.result("update_user_group", usergroupid=name, description="mine")
    assert result["user_group"]["group_description"] == "mine"


def test_update_user_group_masks_users_for_non_admin(admin_api):
    owner, member = make_user(admin_api), make_user(admin_api)
    group = new_group(admin_api, owner=owner.username)
    admin_api.result("add_user_to_user_group", usergroupid=group["group_name"],
                     userid=member.username)
    mine = owner.api.result("update_user_group", usergroupid=group["group_name"])
    assert mine["user_group"]["users"][0]["api_key"] == MASK
    theirs = admin_api.result("update_user_group", usergroupid=group["group_name"])
    assert theirs["user_group"]["users"][0]["api_key"] == member.token


# -- delete_user_group ------------------------------------------------------------------------
def test_delete_user_group(admin_api):
    member = make_user(admin_api)
    group = new_group(admin_api)
    target = new_group(admin_api)
    name, gid = group["group_name"], group["users_group_id"]
    admin_api.result("add_user_to_user_group", usergroupid=name, userid=member.username)
    admin_api.result("grant_user_group_permission_to_user_group",
                     usergroupid=target["group_name"], sourceusergroupid=name,
                     perm="usergroup.admin")
    result = admin_api.result("delete_user_group", usergroupid=name)
    assert result == {"msg": f"deleted user group ID:{gid} {name}", "user_group": None}
    assert admin_api.error("get_user_group", usergroupid=gid) == (
        f"user group `{gid}` does not exist"
    )
    # Its rows on other user groups went with it.
    members = admin_api.result("get_user_group", usergroupid=target["group_name"])["members"]
    assert not [m for m in members if m["type"] == "user_group"]
    assert admin_api.error("delete_user_group", usergroupid=name) == (
        f"user group `{name}` does not exist"
    )


def test_delete_user_group_needs_group_admin(admin_api):
    owner, reader = make_user(admin_api), make_user(admin_api)
    group = new_group(admin_api, owner=owner.username)
    assert reader.api.error("delete_user_group", usergroupid=group["users_group_id"]) == (
        f"user group `{group['users_group_id']}` does not exist"
    )
    assert owner.api.result("delete_user_group", usergroupid=group["users_group_id"])["msg"] == (
        f"deleted user group ID:{group['users_group_id']} {group['group_name']}"
    )


def test_delete_user_group_refused_while_assigned_to_repo_groups(admin_api):
    group = new_group(admin_api)
    first = admin_api.result("create_repo_group", group_name=unique("rgug"))["repo_group"]
    second = admin_api.result(
        "create_repo_group", group_name=f"{first['group_name']}/{unique('sub')}"
    )["repo_group"]
    for repo_group in (second, first):
        admin_api.result("grant_user_group_permission_to_repo_group",
                         repogroupid=repo_group["group_id"], usergroupid=group["group_name"],
                         perm="group.read")
    assert admin_api.error("delete_user_group", usergroupid=group["group_name"]) == (
        "UserGroup assigned to "
        f"<RepoGroup('id:{first['group_id']}:{first['group_name']}')>,"
        f"<RepoGroup('id:{second['group_id']}:{second['group_name']}')>"
    )
    for repo_group in (first, second):
        admin_api.result("revoke_user_group_permission_from_repo_group",
                         repogroupid=repo_group["group_id"], usergroupid=group["group_name"])
    deleted = admin_api.result("delete_user_group", usergroupid=group["group_name"])
    assert deleted["user_group"] is None


# -- membership -------------------------------------------------------------------------------
def test_add_and_remove_member(admin_api):
    user = make_user(admin_api)
    group = new_group(admin_api)
    name = group["group_name"]
    assert admin_api.result("add_user_to_user_group", usergroupid=name, userid=user.username) == {
        "success": True, "msg": f"added member `{user.username}` to user group `{name}`",
    }
    assert admin_api.result("add_user_to_user_group", usergroupid=group["users_group_id"],
                            userid=user.user_id) == {
        "success": False, "msg": "User is already in that group",
    }
    users = admin_api.result("get_user_group", usergroupid=name)["users"]
    assert [u["username"] for u in users] == [user.username]
    assert admin_api.result("remove_user_from_user_group", usergroupid=name,
                            userid=str(user.user_id)) == {
        "success": True, "msg": f"removed member `{user.username}` from user group `{name}`",
    }
    assert admin_api.result("remove_user_from_user_group", usergroupid=name,
                            userid=user.username) == {
        "success": False, "msg": "User wasn't in group",
    }
    assert admin_api.result("get_user_group", usergroupid=name)["users"] == []


def test_membership_check_order_and_access(admin_api):
    owner, outsider, user = (make_user(admin_api) for _ in range(3))
    group = new_group(admin_api, owner=owner.username)
    name = group["group_name"]
    for method in ("add_user_to_user_group", "remove_user_from_user_group"):
        # The user is looked up before the group.
        assert admin_api.error(method, usergroupid="nope-ug", userid="nope-user") == (
            "user `nope-user` does not exist"
        )
        assert admin_api.error(method, usergroupid="nope-ug", userid=user.username) == (
            "user group `nope-ug` does not exist"
        )
        assert outsider.api.error(method, usergroupid=name, userid=user.username) == (
            f"user group `{name}` does not exist"
        )
    assert owner.api.result("add_user_to_user_group", usergroupid=name,
                            userid=user.username)["success"] is True


def test_membership_legacy_names(admin_api):
    user = make_user(admin_api)
    group = new_group(admin_api)
    added = admin_api.result("add_user_to_users_group", usersgroupid=group["group_name"],
                             username=user.username)
    assert added["success"] is True
    removed = admin_api.result("remove_user_from_users_group", group_name=group["group_name"],
                               user_name=user.username)
    assert removed["success"] is True
