"""Updating and deleting repository groups (REFERENCE.md 4.5), repositories inside included."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.api.repo_group_world import (
    _tree,
    group_perms,
    new_group,
    new_repo,
    new_user_group,
    repo_perms,
)
from tests.factories import make_user, unique
from vcshub.db.models import RepoGroup


def locking_flags(db_engine, prefix: str) -> dict[str, bool]:
    table = RepoGroup.__table__
    with db_engine.connect() as conn:
        rows = conn.execute(
            select(table.c.group_name, table.c.enable_locking).where(
                (table.c.group_name == prefix) | table.c.group_name.startswith(prefix + "/")
            )
        ).all()
    return {name: bool(flag) for name, flag in rows}


# -- update_repo_group ------------------------------------------------------------------------
def test_rename_group_moves_folder_and_sub_groups(admin_api, repos_dir):
    top = new_group(admin_api)["group_name"]
    group = new_group(admin_api, f"{top}/old")
    new_group(admin_api, f"{top}/old/kid")
    new_group(admin_api, f"{top}/old/kid/grandkid")
    result = admin_api.result("update_repo_group", repogroupid=f"{top}/old", group_name="new")
    assert result["msg"] == f"updated repository group ID:{group['group_id']} {top}/new"
    assert result["repo_group"]["group_name"] == f"{top}/new"
    assert result["repo_group"]["parent_group"] == top
    assert result["repo_group"]["group_description"] == f"{top}/old"  # unchanged
    assert not (repos_dir / top / "old").exists()
    assert (repos_dir / top / "new" / "kid" / "grandkid").is_dir()
    kid = admin_api.result("get_repo_group", repogroupid=f"{top}/new/kid/grandkid")
    assert kid["parent_group"] == f"{top}/new/kid"
    assert admin_api.error("get_repo_group", repogroupid=f"{top}/old/kid") == (
        f"repository group `{top}/old/kid` does not exist"
    )


def test_move_group_between_parents(admin_api, repos_dir):
    first, second = new_group(admin_api)["group_name"], new_group(admin_api)["group_name"]
    moving = new_group(admin_api, f"{first}/m")
    new_group(admin_api, f"{first}/m/kid")
    result = admin_api.result("update_repo_group", repogroupid=moving["group_id"], parent=second)
    assert result["repo_group"]["group_name"] == f"{second}/m"
    assert result["repo_group"]["parent_group"] == second
    assert (repos_dir / second / "m" / "kid").is_dir()
    assert not (repos_dir / first / "m").exists()
    # parent given by id, together with a new name
    first_id = admin_api.result("get_repo_group", repogroupid=first)["group_id"]
    result = admin_api.result("update_repo_group", repogroupid=f"{second}/m", parent=first_id,
                              group_name="back")
    assert result["repo_group"]["group_name"] == f"{first}/back"
    # null parent → top level
    top_name = unique("rgtop")
    result = admin_api.result("update_repo_group", repogroupid=f"{first}/back", parent=None,
                              group_name=top_name)
    assert result["repo_group"]["group_name"] == top_name
    assert result["repo_group"]["parent_group"] is None
    assert (repos_dir / top_name / "kid").is_dir()
    assert admin_api.result("get_repo_group", repogroupid=f"{top_name}/kid")["parent_group"] == (
        top_name
    )


def test_update_group_errors(admin_api, repos_dir):
    top = new_group(admin_api)["group_name"]
    child = new_group(admin_api, f"{top}/child")
    other = new_group(admin_api)["group_name"]
    tid = admin_api.result("get_repo_group", repogroupid=top)["group_id"]
    assert admin_api.error("update_repo_group", repogroupid="nope-rg", description="x") == (
        "repository group `nope-rg` does not exist"
    )
    assert admin_api.error("update_repo_group", repogroupid=tid, parent=child["group_id"]) == (
        f"failed to update repository group `{tid}`"
    )
    assert admin_api.error("update_repo_group", repogroupid=tid, parent=tid) == (
        f"failed to update repository group `{tid}`"
    )
    assert admin_api.error("update_repo_group", repogroupid=top, parent="nope-parent") == (
        "repository group `nope-parent` does not exist"
    )
    assert admin_api.error("update_repo_group", repogroupid=top, group_name=other) == (
        f"failed to update repository group `{top}`"
    )
    assert admin_api.error("update_repo_group", repogroupid=top, owner="nobody-xyz") == (
        f"failed to update repository group `{top}`"
    )
    for bad in ("..", "_admin", "a/b", ""):
        assert admin_api.error("update_repo_group", repogroupid=top, group_name=bad) == (
            f"failed to update repository group `{top}`"
        )
    # Nothing moved.
    assert (repos_dir / top / "child").is_dir()
    assert admin_api.result("get_repo_group", repogroupid=f"{top}/child")["group_id"] == (
        child["group_id"]
    )


def test_update_group_owner_and_description(admin_api):
    owner = make_user(admin_api)
    name = new_group(admin_api)["group_name"]
    result = admin_api.result("update_repo_group", repogroupid=name, owner=owner.username,
                              description="described")
    assert result["repo_group"]["owner"] == owner.username
    assert result["repo_group"]["group_description"] == "described"
    assert group_perms(admin_api, owner)[name] == "group.admin"  # owners are admins
    result = admin_api.result("update_repo_group", repogroupid=name)
    assert result["repo_group"]["group_description"] == "described"


def test_update_group_needs_group_admin(admin_api):
    user = make_user(admin_api)
    name = new_group(admin_api)["group_name"]
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=name,
                     userid=user.username, perm="group.write")
    assert user.api.error("update_repo_group", repogroupid=name, description="x") == (
        f"repository group `{name}` does not exist"
    )
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=name,
                     userid=user.username, perm="group.admin")
    assert user.api.result("update_repo_group", repogroupid=name, description="x")


def test_enable_locking_propagates_on_every_update(admin_api, db_engine):
    top = new_group(admin_api)["group_name"]
    new_group(admin_api, f"{top}/a")
    new_group(admin_api, f"{top}/a/b")
    admin_api.result("update_repo_group", repogroupid=top, enable_locking="true")
    assert locking_flags(db_engine, top) == {top: True, f"{top}/a": True, f"{top}/a/b": True}
    # A sub-group changed on its own is reset by the next update of its ancestor.
    admin_api.result("update_repo_group", repogroupid=f"{top}/a", enable_locking=False)
    assert locking_flags(db_engine, top) == {top: True, f"{top}/a": False, f"{top}/a/b": False}
    admin_api.result("update_repo_group", repogroupid=top, description="no locking key")
    assert locking_flags(db_engine, top) == {top: True, f"{top}/a": True, f"{top}/a/b": True}


# -- delete_repo_group ------------------------------------------------------------------------
def test_delete_empty_group_moves_folder_aside(admin_api, repos_dir):
    top = new_group(admin_api)["group_name"]
    group = new_group(admin_api, f"{top}/gone")
    (repos_dir / top / "gone" / "marker").write_text("kept")
    result = admin_api.result("delete_repo_group", repogroupid=f"{top}/gone")
    assert result == {
        "msg": f"deleted repo group ID:{group['group_id']} {top}/gone",
        "repo_group": None,
    }
    assert not (repos_dir / top / "gone").exists()
    aside = [p for p in repos_dir.iterdir() if p.name.endswith("_GROUP_gone")]
    assert len(aside) >= 1
    assert any(
        re.fullmatch(r"rm__\d{8}_\d{6}_\d{6}_GROUP_gone", p.name)
        and (p / "marker").read_text() == "kept"
        for p in aside
    )
    assert admin_api.error("get_repo_group", repogroupid=group["group_id"]) == (
        f"repository group `{group['group_id']}` does not exist"
    )


def test_delete_non_empty_group_refused(admin_api, repos_dir):
    top = new_group(admin_api)
    new_group(admin_api, f"{top['group_name']}/kid")
    assert admin_api.error("delete_repo_group", repogroupid=top["group_name"]) == (
        f"failed to delete repo group ID:{top['group_id']} {top['group_name']}"
    )
    assert (repos_dir / top["group_name"] / "kid").is_dir()
    assert admin_api.error("delete_repo_group", repogroupid="nope-rg") == (
        "repository group `nope-rg` does not exist"
    )


def test_delete_group_needs_group_admin(admin_api):
    user = make_user(admin_api)
    group = new_group(admin_api)
    assert user.api.error("delete_repo_group", repogroupid=group["group_id"]) == (
        f"repository group `{group['group_id']}` does not exist"
    )
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=group["group_id"],
                     userid=user.username, perm="group.admin")
    assert user.api.result("delete_repo_group", repogroupid=group["group_id"])["repo_group"] is None


# -- repositories inside groups (when create_repo exists) -------------------------------------
def test_apply_to_children_reaches_repositories(admin_api):
    user = make_user(admin_api)
    team = new_user_group(admin_api)
    admin_api.result("add_user_to_user_group", usergroupid=team, userid=user.username)
    top, subs = _tree(admin_api)
    repos = [f"{top}/r1", f"{subs[1]}/r2"]
    for repo in repos:
        new_repo(admin_api, repo)
    private = f"{subs[0]}/secret"
    new_repo(admin_api, private, private=True)

    admin_api.result("grant_user_permission_to_repo_group", repogroupid=top,
                     userid=user.username, perm="group.write", apply_to_children="repos")
    perms = repo_perms(admin_api, user)
    assert [perms[r] for r in repos] == ["repository.write", "repository.write"]
    assert perms[private] == "repository.write"
    assert group_perms(admin_api, user)[subs[0]] == "group.read"  # repos only

    # The default user's row of a private repository is not changed by a recursive grant.
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=top, userid="default",
                     perm="group.write", apply_to_children="all")
    outsider = make_user(admin_api)
    perms = repo_perms(admin_api, outsider)
    assert perms[repos[0]] == "repository.write" and perms[private] == "repository.none"
    assert group_perms(admin_api, outsider)[subs[1]] == "group.write"

    admin_api.result("revoke_user_permission_from_repo_group", repogroupid=top,
                     userid=user.username, apply_to_children="all")
    admin_api.result("grant_user_group_permission_to_repo_group", repogroupid=top,
                     usergroupid=team, perm="group.admin", apply_to_children="all")
    perms = repo_perms(admin_api, user)
    assert [perms[r] for r in repos] == ["repository.admin", "repository.admin"]
    repo_data = admin_api.result("get_repo", repoid=repos[1])
    assert {"name": team, "permission": "repository.admin", "origin": "permission",
            "type": "user_group"} in repo_data["members"]
    admin_api.result("revoke_user_group_permission_from_repo_group", repogroupid=top,
                     usergroupid=team, apply_to_children="repos")
    perms = repo_perms(admin_api, user)
    assert [perms[r] for r in repos] == ["repository.write", "repository.write"]  # default row
    groups = group_perms(admin_api, user)
    assert (groups[top], groups[subs[0]]) == ("group.write", "group.admin")  # sub-groups kept


def test_group_with_repositories_lists_them_and_moves_them(admin_api, repos_dir):
    top, dest = new_group(admin_api)["group_name"], new_group(admin_api)["group_name"]
    new_group(admin_api, f"{top}/inner")
    new_repo(admin_api, f"{top}/zeta")
    new_repo(admin_api, f"{top}/alpha")
    new_repo(admin_api, f"{top}/inner/deep")
    data = admin_api.result("get_repo_group", repogroupid=top)
    assert data["repositories"] == [f"{top}/alpha", f"{top}/zeta"]

    inner_id = admin_api.result("get_repo_group", repogroupid=f"{top}/inner")["group_id"]
    assert admin_api.error("delete_repo_group", repogroupid=f"{top}/inner") == (
        f"failed to delete repo group ID:{inner_id} {top}/inner"
    )
    moved = admin_api.result("update_repo_group", repogroupid=top, parent=dest,
                             group_name="renamed")["repo_group"]
    assert moved["group_name"] == f"{dest}/renamed"
    assert moved["repositories"] == [f"{dest}/renamed/alpha", f"{dest}/renamed/zeta"]
    assert (repos_dir / dest / "renamed" / "inner" / "deep").is_dir()
    assert not (repos_dir / top).exists()
    repo = admin_api.result("get_repo", repoid=f"{dest}/renamed/inner/deep")
    assert repo["repo_name"] == f"{dest}/renamed/inner/deep"
    assert admin_api.error("get_repo", repoid=f"{top}/inner/deep") == (
        f"repository `{top}/inner/deep` does not exist"
    )
    # The moved repository still works on disk.
    nodes = admin_api.call("get_repo_nodes", repoid=f"{dest}/renamed/inner/deep",
                           revision="tip", root_path="")
    assert nodes["error"] is None and nodes["result"] == []


def test_enable_locking_reaches_repositories(admin_api):
    top = new_group(admin_api)["group_name"]
    new_group(admin_api, f"{top}/sub")
    new_repo(admin_api, f"{top}/sub/r")
    assert admin_api.result("get_repo", repoid=f"{top}/sub/r")["enable_locking"] is False
    admin_api.result("update_repo_group", repogroupid=top, enable_locking=True)
    assert admin_api.result("get_repo", repoid=f"{top}/sub/r")["enable_locking"] is True


def test_delete_user_group_lists_repositories_first(admin_api):
    team = new_user_group(admin_api)
    top = new_group(admin_api)
    repo_name = f"{top['group_name']}/r"
    new_repo(admin_api, repo_name)
    admin_api.result("grant_user_group_permission_to_repo_group", repogroupid=top["group_id"],
                     usergroupid=team, perm="group.read", apply_to_children="all")
    repo_id = admin_api.result("get_repo", repoid=repo_name)["repo_id"]
    assert admin_api.error("delete_user_group", usergroupid=team) == (
        f"UserGroup assigned to <Repository('{repo_id}:{repo_name}')>,"
        f"<RepoGroup('id:{top['group_id']}:{top['group_name']}')>"
    )
