"""User group methods (REFERENCE.md 4.3) against a live server: results, messages, check order."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, update

from tests.factories import make_user, unique
from vcshub.db.engine import create_db_engine
from vcshub.db.models import User, UserGlobalPermission

MASK = "*" * 40
USER_GROUP_KEYS = {"users_group_id", "group_name", "group_description", "active", "owner", "users"}


# -- helpers ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def db_engine(live_server):
    """Direct access to the server's database, for what the API cannot set (global rows)."""
    engine = create_db_engine(live_server.env["VCSHUB_DATABASE_URL"])
    yield engine
    engine.dispose()


def give_global(db_engine, user_id: int, *perms: str) -> None:
    """Make a user stop inheriting the default globals and hold ``perms`` instead (2.4)."""
    with db_engine.begin() as conn:
        conn.execute(
            update(User.__table__)
            .where(User.__table__.c.user_id == user_id)
            .values(inherit_default_permissions=False)
        )
        for perm in perms:
            conn.execute(
                insert(UserGlobalPermission.__table__).values(user_id=user_id, permission=perm)
            )


def new_group(api, **fields) -> dict:
    name = fields.pop("group_name", None) or unique("ug")
    return api.result("create_user_group", group_name=name, **fields)["user_group"]


def super_admins(admin_api) -> list[str]:
    return sorted(u["username"] for u in admin_api.result("get_users") if u["admin"])


def entry(name, permission, origin="permission", kind="user") -> dict:
    return {"name": name, "permission": permission, "origin": origin, "type": kind}


def user_group_perms(admin_api, user) -> dict:
    return admin_api.result("get_user", userid=user.user_id)["permissions"]["user_groups"]


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
