"""Permissions on repository groups (REFERENCE.md 4.5): grants, revokes, recursion, owners."""

from __future__ import annotations

import pytest

from tests.api.repo_group_world import (
    _tree,
    group_perms,
    new_group,
    new_repo,
    new_user_group,
    repo_perms,
)
from tests.api.user_objects import give_global
from tests.factories import make_user, unique


# -- user permissions on repository groups ----------------------------------------------------
@pytest.mark.parametrize(
    ("apply", "changed"), [("none", 1), ("groups", 3), ("all", 3), ("repos", 1), ("bogus", 1)]
)
def test_grant_user_permission_recursive(admin_api, apply, changed):
    user = make_user(admin_api)
    top, subs = _tree(admin_api)
    leaf = subs[-1]
    result = admin_api.result("grant_user_permission_to_repo_group", repogroupid=leaf,
                              userid=user.username, perm="group.write",
                              apply_to_children=apply)
    assert result == {
        "msg": f"Granted perm: `group.write` (recursive:{apply}) for user: `{user.username}` "
        "in repo group: `s2`",
        "success": True,
    }
    result = admin_api.result("grant_user_permission_to_repo_group", repogroupid=top,
                              userid=user.username, perm="group.admin", apply_to_children=apply)
    assert result["msg"] == (
        f"Granted perm: `group.admin` (recursive:{apply}) for user: `{user.username}` "
        f"in repo group: `{top}`"
    )
    perms = group_perms(admin_api, user)
    got = [perms[top], perms[subs[0]], perms[subs[1]]]
    if changed == 3:
        assert got == ["group.admin", "group.admin", "group.admin"]
    else:
        assert got == ["group.admin", "group.read", "group.write"]

    result = admin_api.result("revoke_user_permission_from_repo_group", repogroupid=top,
                              userid=user.username, apply_to_children=apply)
    assert result == {
        "msg": f"Revoked perm (recursive:{apply}) for user: `{user.username}` "
        f"in repo group: `{top}`",
        "success": True,
    }
    perms = group_perms(admin_api, user)
    got = [perms[top], perms[subs[0]], perms[subs[1]]]
    if changed == 3:
        assert got == ["group.read", "group.read", "group.read"]
    else:
        assert got == ["group.read", "group.read", "group.write"]


def test_grant_user_permission_check_order(admin_api):
    user = make_user(admin_api)
    top = new_group(admin_api)["group_name"]
    method = "grant_user_permission_to_repo_group"
    assert admin_api.error(method, repogroupid="nope-rg", userid="nope-u", perm="x") == (
        "repository group `nope-rg` does not exist"
    )
    assert admin_api.error(method, repogroupid=top, userid="nope-u", perm="x") == (
        "user `nope-u` does not exist"
    )
    assert admin_api.error(method, repogroupid=top, userid=user.username, perm="group.x") == (
        "permission `group.x` does not exist"
    )
    assert admin_api.error(method, repogroupid=top, userid=user.username,
                           perm="repository.admin") == (
        "permission `repository.admin` is invalid, should start with group."
    )
    revoke = "revoke_user_permission_from_repo_group"
    assert admin_api.error(revoke, repogroupid="nope-rg", userid="nope-u") == (
        "repository group `nope-rg` does not exist"
    )
    assert admin_api.error(revoke, repogroupid=top, userid="nope-u") == (
        "user `nope-u` does not exist"
    )
    # Without group.admin the group does not exist for him, whatever else is wrong.
    assert user.api.error(method, repogroupid=top, userid="nope-u", perm="x") == (
        f"repository group `{top}` does not exist"
    )
    assert user.api.error(revoke, repogroupid=top, userid=user.username) == (
        f"repository group `{top}` does not exist"
    )


def test_group_admin_may_grant(admin_api):
    admin_user, other = make_user(admin_api), make_user(admin_api)
    top = new_group(admin_api, owner=admin_user.username)["group_name"]
    sub = new_group(admin_api, f"{top}/sub")["group_name"]
    result = admin_user.api.result("grant_user_permission_to_repo_group", repogroupid=top,
                                   userid=other.username, perm="group.write",
                                   apply_to_children="groups")
    assert result["success"] is True
    perms = group_perms(admin_api, other)
    assert perms[top] == "group.write" and perms[sub] == "group.write"


# -- user-group permissions on repository groups ----------------------------------------------
def test_grant_and_revoke_user_group_permission_recursive(admin_api):
    member = make_user(admin_api)
    team = admin_api.result("create_user_group", group_name=unique("ug"))["user_group"]
    admin_api.result("add_user_to_user_group", usergroupid=team["group_name"],
                     userid=member.username)
    top, subs = _tree(admin_api)
    result = admin_api.result("grant_user_group_permission_to_repo_group",
                              repogroupid=subs[0], usergroupid=team["users_group_id"],
                              perm="group.none", apply_to_children="groups")
    assert result == {
        "msg": "Granted perm: `group.none` (recursive:groups) for user group: "
        f"`{team['group_name']}` in repo group: `s1`",
        "success": True,
    }
    perms = group_perms(admin_api, member)
    assert [perms[top], perms[subs[0]], perms[subs[1]]] == [
        "group.read", "group.none", "group.none",
    ]
    assert member.api.error("get_repo_group", repogroupid=subs[1]).endswith("does not exist")
    result = admin_api.result("revoke_user_group_permission_from_repo_group",
                              repogroupid=subs[0], usergroupid=team["group_name"])
    assert result == {
        "msg": "Revoked perm (recursive:none) for user group: "
        f"`{team['group_name']}` in repo group: `s1`",
        "success": True,
    }
    perms = group_perms(admin_api, member)
    assert [perms[top], perms[subs[0]], perms[subs[1]]] == [
        "group.read", "group.read", "group.none",
    ]


def test_grant_user_group_permission_check_order(admin_api):
    owner, outsider = make_user(admin_api), make_user(admin_api)
    top = new_group(admin_api, owner=owner.username)["group_name"]
    team = new_user_group(admin_api)
    hidden = admin_api.result("create_user_group", group_name=unique("ug"))["user_group"]
    admin_api.result("revoke_user_permission_from_user_group",
                     usergroupid=hidden["group_name"], userid="default")
    method = "grant_user_group_permission_to_repo_group"
    assert admin_api.error(method, repogroupid="nope-rg", usergroupid="nope-ug", perm="x") == (
        "repository group `nope-rg` does not exist"
    )
    assert admin_api.error(method, repogroupid=top, usergroupid="nope-ug", perm="x") == (
        "permission `x` does not exist"
    )
    assert admin_api.error(method, repogroupid=top, usergroupid="nope-ug",
                           perm="usergroup.read") == (
        "permission `usergroup.read` is invalid, should start with group."
    )
    assert admin_api.error(method, repogroupid=top, usergroupid="nope-ug",
                           perm="group.read") == "user group `nope-ug` does not exist"
    assert outsider.api.error(method, repogroupid=top, usergroupid=hidden["group_name"],
                              perm="group.read") == f"repository group `{top}` does not exist"
    assert owner.api.error(method, repogroupid=top, usergroupid=hidden["group_name"],
                           perm="group.read") == (
        f"user group `{hidden['group_name']}` does not exist"
    )
    assert owner.api.result(method, repogroupid=top, usergroupid=team,
                            perm="group.read")["success"] is True
    revoke = "revoke_user_group_permission_from_repo_group"
    assert admin_api.error(revoke, repogroupid="nope-rg", usergroupid="nope-ug") == (
        "repository group `nope-rg` does not exist"
    )
    assert admin_api.error(revoke, repogroupid=top, usergroupid="nope-ug") == (
        "user group `nope-ug` does not exist"
    )
    assert outsider.api.error(revoke, repogroupid=top, usergroupid=team) == (
        f"repository group `{top}` does not exist"
    )
    assert owner.api.error(revoke, repogroupid=top, usergroupid=hidden["group_name"]) == (
        f"user group `{hidden['group_name']}` does not exist"
    )
    assert owner.api.result(revoke, repogroupid=top, usergroupid=team)["success"] is True


# -- further rules ----------------------------------------------------------------------------
def test_description_must_be_text(admin_api):
    name = unique("rg")
    assert admin_api.error("create_repo_group", group_name=name, description=5) == (
        f"failed to create repo group `{name}`"
    )
    new_group(admin_api, name)
    assert admin_api.error("update_repo_group", repogroupid=name, description=["x"]) == (
        f"failed to update repository group `{name}`"
    )
    assert admin_api.result("update_repo_group", repogroupid=name, description=None)[
        "repo_group"]["group_description"] == ""


def test_owner_keeps_access_when_default_row_revoked(admin_api):
    owner, other = make_user(admin_api), make_user(admin_api)
    name = new_group(admin_api)["group_name"]
    admin_api.result("update_repo_group", repogroupid=name, owner=owner.username)
    admin_api.result("revoke_user_permission_from_repo_group", repogroupid=name, userid="default")
    assert owner.api.result("get_repo_group", repogroupid=name)["group_name"] == name
    assert name in [g["group_name"] for g in owner.api.result("get_repo_groups")]
    assert name not in group_perms(admin_api, other)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=name,
                     userid=other.username, perm="group.read")
    assert other.api.result("get_repo_group", repogroupid=name)["group_name"] == name


def test_deleting_a_group_drops_its_rows(admin_api):
    team = new_user_group(admin_api)
    group = new_group(admin_api)
    admin_api.result("grant_user_group_permission_to_repo_group", repogroupid=group["group_id"],
                     usergroupid=team, perm="group.write")
    admin_api.result("delete_repo_group", repogroupid=group["group_id"])
    assert admin_api.result("delete_user_group", usergroupid=team)["user_group"] is None


def test_moving_needs_the_right_to_create_there(admin_api, db_engine):
    user = make_user(admin_api)
    mine = new_group(admin_api, owner=user.username)["group_name"]
    also_mine = new_group(admin_api, owner=user.username)["group_name"]
    readable = new_group(admin_api)["group_name"]
    hidden = new_group(admin_api)["group_name"]
    admin_api.result("revoke_user_permission_from_repo_group", repogroupid=hidden,
                     userid="default")
    child = new_group(user.api, f"{mine}/kid")
    cid = child["group_id"]
    assert user.api.error("update_repo_group", repogroupid=cid, parent=hidden) == (
        f"repository group `{hidden}` does not exist"
    )
    assert user.api.error("update_repo_group", repogroupid=cid, parent=readable) == (
        f"failed to update repository group `{cid}`"
    )
    # Moving to the top level would create a top-level group without hg.repogroup.create.true.
    assert user.api.error("update_repo_group", repogroupid=cid, parent=None) == (
        f"failed to update repository group `{cid}`"
    )
    # Naming the current parent is no move; renaming in place needs nothing more.
    kept = user.api.result("update_repo_group", repogroupid=cid, parent=mine, group_name="k2")
    assert kept["repo_group"]["group_name"] == f"{mine}/k2"
    moved = user.api.result("update_repo_group", repogroupid=cid, parent=also_mine)
    assert moved["repo_group"]["group_name"] == f"{also_mine}/k2"
    # His own top-level group can be renamed in place.
    renamed = unique("rgmine")
    assert user.api.result("update_repo_group", repogroupid=mine, group_name=renamed)[
        "repo_group"]["group_name"] == renamed
    give_global(db_engine, user.user_id, "hg.repogroup.create.true")
    top_name = unique("rgtop")
    result = user.api.result("update_repo_group", repogroupid=cid, parent=None, group_name=top_name)
    assert result["repo_group"]["group_name"] == top_name


def test_group_and_repository_names_do_not_clash(admin_api):
    top = new_group(admin_api)["group_name"]
    repo = f"{top}/taken"
    new_repo(admin_api, repo)
    assert admin_api.error("create_repo_group", group_name=repo) == (
        f"failed to create repo group `{repo}`"
    )
    new_group(admin_api, f"{top}/free")
    assert admin_api.error("update_repo_group", repogroupid=f"{top}/free",
                           group_name="taken") == f"failed to update repository group `{top}/free`"


def test_recursive_revoke_of_default_keeps_owner_access(admin_api):
    owner, other = make_user(admin_api), make_user(admin_api)
    top = new_group(admin_api)["group_name"]
    repo = f"{top}/r"
    new_repo(admin_api, repo)
    admin_api.result("update_repo", repoid=repo, owner=owner.username)
    admin_api.result("revoke_user_permission_from_repo_group", repogroupid=top, userid="default",
                     apply_to_children="all")
    assert repo_perms(admin_api, owner)[repo] == "repository.admin"
    assert repo not in repo_perms(admin_api, other)
    assert other.api.error("get_repo", repoid=repo) == f"repository `{repo}` does not exist"
