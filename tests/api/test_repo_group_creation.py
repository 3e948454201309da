"""Creating and reading repository groups (REFERENCE.md 4.5), folders on disk included."""

from __future__ import annotations

import pytest

from tests.api.repo_group_world import (
    entry,
    explicit,
    group_perms,
    new_group,
)
from tests.api.user_objects import give_global
from tests.factories import make_user, unique

REPO_GROUP_KEYS = {
    "group_id", "group_name", "group_description", "parent_group", "repositories", "owner",
}


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
