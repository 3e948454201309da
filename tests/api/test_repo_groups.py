"""Repository group methods (REFERENCE.md 4.5) against a live server, folders on disk included."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert, select, update

from tests.factories import make_user, unique
from vcshub.db.engine import create_db_engine
from vcshub.db.models import RepoGroup, User, UserGlobalPermission

REPO_GROUP_KEYS = {
    "group_id", "group_name", "group_description", "parent_group", "repositories", "owner",
}


# -- helpers ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def db_engine(live_server):
    """Direct access to the server's database, for what the API cannot set or show."""
    engine = create_db_engine(live_server.env["VCSHUB_DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def repos_dir(live_server):
    return live_server.data_dir / "repos"


@pytest.fixture(scope="session")
def has_create_repo(admin_api) -> bool:
    """Repository methods arrived after this module was written: cover them when present."""
    reply = admin_api.call("create_repo", repo_name=unique("probe"), repo_type="git")
    return reply["error"] is None


@pytest.fixture
def need_repos(has_create_repo):
    if not has_create_repo:
        pytest.skip("create_repo is not available on this server")


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


def locking_flags(db_engine, prefix: str) -> dict[str, bool]:
    table = RepoGroup.__table__
    with db_engine.connect() as conn:
        rows = conn.execute(
            select(table.c.group_name, table.c.enable_locking).where(
                (table.c.group_name == prefix) | table.c.group_name.startswith(prefix + "/")
            )
        ).all()
    return {name: bool(flag) for name, flag in rows}


def new_group(api, name: str | None = None, **fields) -> dict:
    return api.result("create_repo_group", group_name=name or unique("rg"), **fields)["repo_group"]


def entry(name, permission, origin="permission", kind="user") -> dict:
    return {"name": name, "permission": permission, "origin": origin, "type": kind}


def explicit(api, group) -> list[dict]:
    members = api.result("get_repo_group", repogroupid=group)["members"]
    return [m for m in members if m["origin"] == "permission"]


def group_perms(admin_api, user) -> dict:
    perms = admin_api.result("get_user", userid=user.user_id)["permissions"]
    return perms["repositories_groups"]


def repo_perms(admin_api, user) -> dict:
    return admin_api.result("get_user", userid=user.user_id)["permissions"]["repositories"]


def new_user_group(admin_api) -> str:
    result = admin_api.result("create_user_group", group_name=unique("ug"))
    return result["user_group"]["group_name"]


def new_repo(admin_api, name: str, **fields) -> None:
    admin_api.result("create_repo", repo_name=name, repo_type="git", **fields)


# -- create_repo_group ------------------------------------------------------------------------
def test_create_top_level_group(admin_api, live_server, repos_dir):
    name = unique("rg")
    result = admin_api.result("create_repo_group", group_name=name)
    assert result["msg"] == f"Created new repo group `{name}`"
    group = result["repo_group"]
    assert set(group) == REPO_GROUP_KEYS
    assert group["group_name"] == name
    assert group["group_description"] == name  # empty description → the full path
    assert group["parent_group"] is None
    assert group["repositories"] == []
    assert group["owner"] == live_server.admin_username
    assert (repos_dir / name).is_dir()


def test_create_nested_groups(admin_api, repos_dir):
    top = unique("rg")
    missing = admin_api.error("create_repo_group", group_name=f"{top}/mid/leaf")
    assert missing == f"repository group `{top}/mid` does not exist"
    new_group(admin_api, top)
    mid = new_group(admin_api, f"{top}/mid", description="middle")
    assert mid["group_description"] == "middle"
    assert mid["parent_group"] == top
    leaf = new_group(admin_api, f"{top}/mid/leaf")
    assert leaf["group_name"] == f"{top}/mid/leaf"
    assert leaf["parent_group"] == f"{top}/mid"
    assert leaf["group_description"] == f"{top}/mid/leaf"
    assert (repos_dir / top / "mid" / "leaf").is_dir()
    assert admin_api.result("get_repo_group", repogroupid=f"{top}/mid/leaf")["group_id"] == (
        leaf["group_id"]
    )


def test_create_group_name_normalisation(admin_api, repos_dir):
    top = unique("rg")
    result = admin_api.result("create_repo_group", group_name=f"//{top}//")
    assert result["msg"] == f"Created new repo group `{top}`"
    sub = admin_api.result("create_repo_group", group_name=f"//{top}//sub//")
    assert sub["msg"] == f"Created new repo group `{top}/sub`"
    assert sub["repo_group"]["group_name"] == f"{top}/sub"
    # A leading slash is an empty segment, not the filesystem root.
    lead = unique("rg")
    assert new_group(admin_api, f"/{lead}")["group_name"] == lead
    assert (repos_dir / lead).is_dir()


def test_create_group_already_exists(admin_api):
    top = new_group(admin_api)["group_name"]
    assert admin_api.error("create_repo_group", group_name=top) == (
        f"repo group `{top}` already exist"
    )
    assert admin_api.error("create_repo_group", group_name=f"/{top}//") == (
        f"repo group `{top}` already exist"
    )


@pytest.mark.parametrize("empty", ["", "///", "  ", None])
def test_create_group_empty_name(admin_api, empty):
    assert admin_api.error("create_repo_group", group_name=empty) == (
        "Validation failed: {'group_name': 'Required'}"
    )


@pytest.mark.parametrize("bad", ["..", "_admin", ".hidden", "rm__old", "a b"])
def test_create_group_invalid_names_fail(admin_api, repos_dir, bad):
    assert admin_api.error("create_repo_group", group_name=bad) == (
        f"failed to create repo group `{bad}`"
    )
    assert not (repos_dir / bad).exists() or bad == ".."


def test_create_group_invalid_nested_names_fail(admin_api, repos_dir):
    top = new_group(admin_api)["group_name"]
    assert admin_api.error("create_repo_group", group_name=f"{top}/..") == (
        f"failed to create repo group `{top}/..`"
    )
    # The message shows the cleaned path.
    assert admin_api.error("create_repo_group", group_name=f"//{top}//_admin/") == (
        f"failed to create repo group `{top}/_admin`"
    )
    assert admin_api.error("create_repo_group", group_name=f"{top}/../{top}x") == (
        f"repository group `{top}/..` does not exist"
    )
    assert sorted(p.name for p in (repos_dir / top).iterdir()) == []


def test_create_group_folder_already_on_disk_fails(admin_api, repos_dir):
    name = unique("rg")
    (repos_dir / name).mkdir()
    assert admin_api.error("create_repo_group", group_name=name) == (
        f"failed to create repo group `{name}`"
    )
    assert admin_api.error("get_repo_group", repogroupid=name) == (
        f"repository group `{name}` does not exist"
    )


def test_create_group_unknown_owner_fails_and_leaves_no_folder(admin_api, repos_dir):
    name = unique("rg")
    assert admin_api.error("create_repo_group", group_name=name, owner="nobody-xyz") == (
        f"failed to create repo group `{name}`"
    )
    assert not (repos_dir / name).exists()


def test_create_group_permission_rows(admin_api, live_server):
    owner = make_user(admin_api)
    by_admin = new_group(admin_api)
    assert explicit(admin_api, by_admin["group_name"]) == [entry("default", "group.read")]
    for_user = new_group(admin_api, owner=owner.username)
    assert for_user["owner"] == owner.username
    assert explicit(admin_api, for_user["group_name"]) == [
        entry("default", "group.read"),
        entry(owner.username, "group.admin"),
    ]
    assert group_perms(admin_api, owner)[for_user["group_name"]] == "group.admin"


def test_create_group_copy_permissions(admin_api):
    writer, reader = make_user(admin_api), make_user(admin_api)
    team = admin_api.result("create_user_group", group_name=unique("ug"))["user_group"]
    parent = new_group(admin_api)["group_name"]
    for user, perm in ((writer, "group.write"), (reader, "group.read")):
        admin_api.result("grant_user_permission_to_repo_group", repogroupid=parent,
                         userid=user.username, perm=perm)
    admin_api.result("grant_user_group_permission_to_repo_group", repogroupid=parent,
                     usergroupid=team["group_name"], perm="group.write")
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=parent,
                     userid="default", perm="group.none")
    copied = new_group(admin_api, f"{parent}/copied", copy_permissions="true")
    assert explicit(admin_api, copied["group_name"]) == [
        entry("default", "group.none"),
        entry(writer.username, "group.write"),
        entry(reader.username, "group.read"),
        entry(team["group_name"], "group.write", kind="user_group"),
    ]
    plain = new_group(admin_api, f"{parent}/plain", copy_permissions=False)
    assert explicit(admin_api, plain["group_name"]) == [entry("default", "group.read")]


def test_create_group_rights_of_non_admins(admin_api, db_engine):
    user = make_user(admin_api)
    top = new_group(admin_api)["group_name"]
    assert user.api.error("create_repo_group", group_name=unique("rg")) == (
        "Access was denied to this resource."
    )
    # Parent existence is checked before the right to create there.
    assert user.api.error("create_repo_group", group_name=f"{top}/nope/x") == (
        f"repository group `{top}/nope` does not exist"
    )
    assert user.api.error("create_repo_group", group_name=f"{top}/x") == (
        "Access was denied to this resource."
    )
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=top,
                     userid=user.username, perm="group.write")
    assert user.api.error("create_repo_group", group_name=f"{top}/x") == (
        "Access was denied to this resource."
    )
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=top,
                     userid=user.username, perm="group.admin")
    child = new_group(user.api, f"{top}/x")
    assert child["owner"] == user.username
    assert explicit(admin_api, child["group_name"]) == [
        entry("default", "group.read"),
        entry(user.username, "group.admin"),
    ]
    # As owner he is admin of the new group, so he may nest further.
    assert new_group(user.api, f"{top}/x/y")["parent_group"] == f"{top}/x"

    creator = make_user(admin_api)
    give_global(db_engine, creator.user_id, "hg.repogroup.create.true")
    mine = new_group(creator.api)
    assert mine["owner"] == creator.username
    # hg.repogroup.create.true allows creating anywhere.
    assert new_group(creator.api, f"{top}/{unique('c')}")["owner"] == creator.username


# -- get_repo_group / get_repo_groups ---------------------------------------------------------
def test_get_repo_group_members(admin_api, live_server):
    owner, reader, nobody = (make_user(admin_api) for _ in range(3))
    team = admin_api.result("create_user_group", group_name=unique("ug"))["user_group"]
    group = new_group(admin_api, owner=owner.username)
    name = group["group_name"]
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=name,
                     userid=nobody.username, perm="group.none")
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=name,
                     userid=reader.username, perm="group.read")
    admin_api.result("grant_user_group_permission_to_repo_group", repogroupid=name,
                     usergroupid=team["group_name"], perm="group.admin")
    data = admin_api.result("get_repo_group", repogroupid=group["group_id"])
    assert set(data) == REPO_GROUP_KEYS | {"members"}
    admins = sorted(u["username"] for u in admin_api.result("get_users") if u["admin"])
    assert data["members"] == [
        *(entry(a, "group.admin", "super-admin") for a in admins),
        entry(owner.username, "group.admin", "owner"),
        entry("default", "group.read"),
        entry(owner.username, "group.admin"),
        entry(reader.username, "group.read"),
        entry(nobody.username, "group.none"),
        entry(team["group_name"], "group.admin", kind="user_group"),
    ]


def test_get_repo_group_not_found_or_hidden(admin_api):
    user = make_user(admin_api)
    assert admin_api.error("get_repo_group", repogroupid="nope-rg") == (
        "repository group `nope-rg` does not exist"
    )
    assert admin_api.error("get_repo_group", repogroupid=987654) == (
        "repository group `987654` does not exist"
    )
    name = new_group(admin_api)["group_name"]
    assert user.api.result("get_repo_group", repogroupid=name)["group_name"] == name
    admin_api.result("revoke_user_permission_from_repo_group", repogroupid=name, userid="default")
    assert user.api.error("get_repo_group", repogroupid=name) == (
        f"repository group `{name}` does not exist"
    )
    assert name not in [g["group_name"] for g in user.api.result("get_repo_groups")]


def test_get_repo_groups_visibility_and_order(admin_api):
    user = make_user(admin_api)
    top = new_group(admin_api, unique("rgo"))["group_name"]
    names = [f"{top}/b", f"{top}/a", f"{top}/a/z", f"{top}/c"]
    for name in names:
        new_group(admin_api, name)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=f"{top}/c",
                     userid=user.username, perm="group.none")
    listed = [g["group_name"] for g in admin_api.result("get_repo_groups")]
    assert listed == sorted(listed)
    assert [n for n in listed if n.startswith(top)] == sorted([top, *names])
    seen = [g["group_name"] for g in user.api.result("get_repo_groups")]
    assert [n for n in seen if n.startswith(top)] == [top, f"{top}/a", f"{top}/a/z", f"{top}/b"]
    assert all(set(g) == REPO_GROUP_KEYS for g in user.api.result("get_repo_groups"))


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


# -- user permissions on repository groups ----------------------------------------------------
def _tree(admin_api) -> tuple[str, list[str]]:
    top = new_group(admin_api)["group_name"]
    subs = [f"{top}/s1", f"{top}/s1/s2"]
    for sub in subs:
        new_group(admin_api, sub)
    return top, subs


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


# -- repositories inside groups (when create_repo exists) -------------------------------------
def test_apply_to_children_reaches_repositories(admin_api, need_repos):
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


def test_group_with_repositories_lists_them_and_moves_them(admin_api, repos_dir, need_repos):
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


def test_enable_locking_reaches_repositories(admin_api, need_repos):
    top = new_group(admin_api)["group_name"]
    new_group(admin_api, f"{top}/sub")
    new_repo(admin_api, f"{top}/sub/r")
    assert admin_api.result("get_repo", repoid=f"{top}/sub/r")["enable_locking"] is False
    admin_api.result("update_repo_group", repogroupid=top, enable_locking=True)
    assert admin_api.result("get_repo", repoid=f"{top}/sub/r")["enable_locking"] is True


def test_delete_user_group_lists_repositories_first(admin_api, need_repos):
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


def test_group_and_repository_names_do_not_clash(admin_api, need_repos):
    top = new_group(admin_api)["group_name"]
    repo = f"{top}/taken"
    new_repo(admin_api, repo)
    assert admin_api.error("create_repo_group", group_name=repo) == (
        f"failed to create repo group `{repo}`"
    )
    new_group(admin_api, f"{top}/free")
    assert admin_api.error("update_repo_group", repogroupid=f"{top}/free",
                           group_name="taken") == f"failed to update repository group `{top}/free`"


def test_recursive_revoke_of_default_keeps_owner_access(admin_api, need_repos):
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
