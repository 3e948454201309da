"""Creating and reading user groups (REFERENCE.md 4.3): results, messages, check order."""

from __future__ import annotations

import pytest

from tests.api.user_group_world import MASK, new_group, user_group_perms
from tests.api.user_objects import give_global
from tests.factories import make_user, unique

USER_GROUP_KEYS = {"users_group_id", "group_name", "group_description", "active", "owner", "users"}


def super_admins(admin_api) -> list[str]:
    return sorted(u["username"] for u in admin_api.result("get_users") if u["admin"])


def entry(name, permission, origin="permission", kind="user") -> dict:
    return {"name": name, "permission": permission, "origin": origin, "type": kind}


# -- create_user_group ------------------------------------------------------------------------
def test_create_user_group_result(admin_api, live_server):
    name = unique("ug")
    result = admin_api.result("create_user_group", group_name=name, description="the team")
    assert result["msg"] == f"created new user group `{name}`"
    group = result["user_group"]
    assert set(group) == USER_GROUP_KEYS
    assert group["group_name"] == name
    assert group["group_description"] == "the team"
    assert group["active"] is True
    assert group["owner"] == live_server.admin_username
    assert group["users"] == []
    assert isinstance(group["users_group_id"], int)


def test_create_user_group_defaults_and_coercion(admin_api):
    owner = make_user(admin_api)
    group = new_group(admin_api, owner=owner.username, active="false")
    assert group["owner"] == owner.username
    assert group["active"] is False
    assert group["group_description"] == ""
    by_id = new_group(admin_api, owner=owner.user_id)
    assert by_id["owner"] == owner.username


def test_create_user_group_already_exists(admin_api):
    group = new_group(admin_api)
    error = admin_api.error("create_user_group", group_name=group["group_name"])
    assert error == f"user group `{group['group_name']}` already exist"


def test_create_user_group_unknown_owner_is_a_failure(admin_api):
    name = unique("ug")
    error = admin_api.error("create_user_group", group_name=name, owner="no-such-user-xyz")
    assert error == f"failed to create group `{name}`"
    assert admin_api.error("get_user_group", usergroupid=name) == (
        f"user group `{name}` does not exist"
    )


@pytest.mark.parametrize("bad", ["", "a/b", 5])
def test_create_user_group_bad_name_is_a_failure(admin_api, bad):
    assert admin_api.error("create_user_group", group_name=bad) == f"failed to create group `{bad}`"


def test_description_must_be_text(admin_api):
    name = unique("ug")
    assert admin_api.error("create_user_group", group_name=name, description=5) == (
        f"failed to create group `{name}`"
    )
    group = new_group(admin_api, group_name=name, description=None)
    assert group["group_description"] in (None, "")
    assert admin_api.error("update_user_group", usergroupid=name, description={"a": 1}) == (
        f"failed to update user group `{name}`"
    )


def test_create_user_group_needs_global_permission(admin_api, db_engine):
    user = make_user(admin_api)
    existing = new_group(admin_api)
    assert user.api.error("create_user_group", group_name=unique("ug")) == (
        "Access was denied to this resource."
    )
    # The access check comes before the "already exist" check.
    assert user.api.error("create_user_group", group_name=existing["group_name"]) == (
        "Access was denied to this resource."
    )
    give_global(db_engine, user.user_id, "hg.usergroup.create.true")
    group = new_group(user.api)
    assert group["owner"] == user.username
    assert group["users"] == []
    # He is the owner with an explicit admin row (2.3), so he can manage it.
    assert user_group_perms(admin_api, user)[group["group_name"]] == "usergroup.admin"
    assert user.api.result("update_user_group", usergroupid=group["group_name"], description="x")


# -- get_user_group ---------------------------------------------------------------------------
def test_get_user_group_members_in_contract_order(admin_api, live_server):
    owner, writer, reader, nobody, member = (make_user(admin_api) for _ in range(5))
    other_admin = make_user(admin_api)
    admin_api.result("update_user", userid=other_admin.user_id, admin=True)
    group = new_group(admin_api, owner=owner.username)
    name = group["group_name"]
    source = new_group(admin_api)
    for user, perm in ((reader, "usergroup.read"), (nobody, "usergroup.none"),
                       (writer, "usergroup.write")):
        admin_api.result("grant_user_permission_to_user_group",
                         usergroupid=name, userid=user.username, perm=perm)
    admin_api.result("grant_user_group_permission_to_user_group", usergroupid=name,
                     sourceusergroupid=source["group_name"], perm="usergroup.write")
    admin_api.result("add_user_to_user_group", usergroupid=name, userid=member.username)

    data = admin_api.result("get_user_group", usergroupid=group["users_group_id"])
    assert set(data) == USER_GROUP_KEYS | {"members"}
    assert data["group_name"] == name and data["owner"] == owner.username
    assert [u["username"] for u in data["users"]] == [member.username]
    assert data["users"][0]["api_key"] == MASK  # masked even for a super-admin caller
    assert data["users"][0]["api_keys"] == [MASK]

    admins = super_admins(admin_api)
    assert other_admin.username in admins and live_server.admin_username in admins
    assert data["members"] == [
        *(entry(a, "usergroup.admin", "super-admin") for a in admins),
        entry(owner.username, "usergroup.admin", "owner"),
        entry("default", "usergroup.read"),
        entry(owner.username, "usergroup.admin"),
        entry(writer.username, "usergroup.write"),
        entry(reader.username, "usergroup.read"),
        entry(nobody.username, "usergroup.none"),
        entry(source["group_name"], "usergroup.write", kind="user_group"),
    ]


def test_get_user_group_owned_by_super_admin_lists_him_once_as_owner(admin_api, live_server):
    group = new_group(admin_api)
    members = admin_api.result("get_user_group", usergroupid=group["group_name"])["members"]
    admin = live_server.admin_username
    assert [m for m in members if m["origin"] != "permission" and m["name"] == admin] == [
        entry(admin, "usergroup.admin", "owner")
    ]
    assert [m for m in members if m["origin"] == "permission"] == [
        entry("default", "usergroup.read"),
        entry(admin, "usergroup.admin"),
    ]


def test_get_user_group_not_found(admin_api):
    assert admin_api.error("get_user_group", usergroupid="nope-ug") == (
        "user group `nope-ug` does not exist"
    )
    assert admin_api.error("get_user_group", usergroupid=987654) == (
        "user group `987654` does not exist"
    )
    group = new_group(admin_api)
    # Numbers are ids, strings are names: the id as a string is a (missing) name.
    assert admin_api.error("get_user_group", usergroupid=str(group["users_group_id"])) == (
        f"user group `{group['users_group_id']}` does not exist"
    )


def test_get_user_group_legacy_names(admin_api):
    group = new_group(admin_api)
    data = admin_api.result("get_users_group", usersgroupid=group["group_name"])
    assert data["users_group_id"] == group["users_group_id"]
    assert "DEPRECATION_WARNING" not in admin_api.call("get_users_groups")
    made = admin_api.result("create_users_group", name=unique("ug"))
    assert made["msg"].startswith("created new user group `")


def test_user_group_hidden_without_read(admin_api):
    owner, other = make_user(admin_api), make_user(admin_api)
    group = new_group(admin_api, owner=owner.username)
    name = group["group_name"]
    assert other.api.result("get_user_group", usergroupid=name)["group_name"] == name
    assert name in [g["group_name"] for g in other.api.result("get_user_groups")]

    admin_api.result("revoke_user_permission_from_user_group", usergroupid=name, userid="default")
    assert other.api.error("get_user_group", usergroupid=name) == (
        f"user group `{name}` does not exist"
    )
    assert name not in [g["group_name"] for g in other.api.result("get_user_groups")]
    # The owner keeps his explicit admin row, the super-admin sees everything.
    assert owner.api.result("get_user_group", usergroupid=name)["group_name"] == name
    assert name in [g["group_name"] for g in owner.api.result("get_user_groups")]
    assert name in [g["group_name"] for g in admin_api.result("get_user_groups")]
    # A row of usergroup.none hides it as well.
    admin_api.result("grant_user_permission_to_user_group", usergroupid=name,
                     userid=other.username, perm="usergroup.none")
    assert other.api.error("get_user_group", usergroupid=name).endswith("does not exist")


# -- get_user_groups --------------------------------------------------------------------------
def test_get_user_groups_secrets_only_for_super_admin(admin_api):
    member = make_user(admin_api)
    group = new_group(admin_api)
    admin_api.result("add_user_to_user_group", usergroupid=group["group_name"],
                     userid=member.user_id)
    as_admin = {g["group_name"]: g for g in admin_api.result("get_user_groups")}
    listed = as_admin[group["group_name"]]
    assert set(listed) == USER_GROUP_KEYS
    assert listed["users"][0]["api_key"] == member.token
    as_user = {g["group_name"]: g for g in member.api.result("get_user_groups")}
    assert as_user[group["group_name"]]["users"][0]["api_key"] == MASK
