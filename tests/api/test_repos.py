"""Repository methods of REFERENCE.md 4.4: create, get, list, update, fork, delete, extra fields.

Every test runs for Git and Mercurial repositories, against a live server on each database
backend. Repositories are real folders in the server's storage; commits are made with the real
command-line clients (tests/repo_content.py).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from tests.factories import make_user, unique
from tests.repo_content import (
    AUTHOR,
    EMPTY_ID,
    REPO_TYPES,
    create_repo,
    drop_create_right,
    head_branch,
    hosted_folder,
    log_ids,
    make_source_repository,
    push_commits,
)

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)

DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?$")
REPO_KEYS = {
    "repo_id", "repo_name", "repo_type", "clone_uri", "url", "private", "created_on",
    "description", "landing_rev", "owner", "fork_of", "enable_statistics", "enable_locking",
    "enable_downloads", "last_changeset", "locked_by", "locked_date", "lock_reason",
}
SUMMARY_KEYS = {"short_id", "raw_id", "revision", "message", "date", "author", "parents", "branch"}


def is_repository(folder: Path, repo_type: str) -> bool:
    if repo_type == "git":  # created bare
        return (folder / "HEAD").is_file() and (folder / "objects").is_dir()
    return (folder / ".hg").is_dir()


def epoch_local() -> str:
    return dt.datetime.fromtimestamp(0).strftime("%Y-%m-%dT%H:%M:%S")


def default_row(repo: dict) -> str:
    [entry] = [m for m in repo["members"] if m["name"] == "default"]
    assert entry["origin"] == "permission" and entry["type"] == "user"
    return entry["permission"]


def no_trace_of(admin_api, live_server, name: str) -> None:
    """A failed creation leaves no row, no folder and no auto-created group behind."""
    assert admin_api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    assert not hosted_folder(live_server, name).exists()
    leftovers = [p.name for p in hosted_folder(live_server, name).parent.glob(".*clone-*")]
    assert leftovers == []


# -- create_repo -----------------------------------------------------------------------------------


def test_create_repo_defaults_and_shape(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    assert is_repository(hosted_folder(live_server, name), repo_type)
    repo = admin_api.result("get_repo", repoid=name)
    assert set(repo) == REPO_KEYS | {"members", "permissions", "followers"}
    assert repo["repo_name"] == name
    assert repo["repo_type"] == repo_type
    assert repo["clone_uri"] == ""
    assert repo["url"] == f"{live_server.url}/{name}"
    assert repo["private"] is False
    assert DATETIME.match(repo["created_on"])
    assert repo["description"] == name  # empty description → the short name
    assert repo["landing_rev"] == ["rev", "tip"]
    assert repo["owner"] == live_server.admin_username
    assert repo["fork_of"] is None
    assert (repo["enable_statistics"], repo["enable_locking"], repo["enable_downloads"]) == (
        False, False, False,
    )
    assert (repo["locked_by"], repo["locked_date"], repo["lock_reason"]) == (None, None, None)
    assert default_row(repo) == "repository.read"
    assert repo["members"] == repo["permissions"]
    # A super-admin who owns the repository is listed once, as its owner.
    assert [m for m in repo["members"] if m["name"] == live_server.admin_username] == [
        {"name": live_server.admin_username, "permission": "repository.admin",
         "origin": "owner", "type": "user"}
    ]
    assert [f["username"] for f in repo["followers"]] == [live_server.admin_username]


def test_empty_repository_has_the_empty_commit(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    for cache in (True, False):
        last = admin_api.result("get_repo", repoid=name, cache=cache)["last_changeset"]
        assert set(last) == SUMMARY_KEYS
        assert last["raw_id"] == EMPTY_ID
        assert last["short_id"] == "0" * 12
        assert last["revision"] == -1
        assert (last["message"], last["author"], last["parents"]) == ("", "", [])
        assert last["branch"] in (None, head_branch(repo_type))
        assert last["date"] == epoch_local()


def test_create_repo_with_all_fields(admin_api, repo_type):
    name = unique(f"full-{repo_type}-")
    create_repo(
        admin_api, repo_type, name,
        description="A description", landing_rev="branch:" + head_branch(repo_type),
        enable_statistics=True, enable_locking="true", enable_downloads="yes",
    )
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["description"] == "A description"
    assert repo["landing_rev"] == ["branch", head_branch(repo_type)]
    assert (repo["enable_statistics"], repo["enable_locking"], repo["enable_downloads"]) == (
        True, True, True,
    )


def test_create_repo_nested_path_creates_groups(admin_api, live_server, repo_type):
    top = unique("auto-grp")
    name = f"{top}/sub/{unique('nested-')}"
    reply = admin_api.result("create_repo", repo_name=f"//{name}//", repo_type=repo_type)
    assert reply["msg"] == f"Created new repository `{name}`"
    assert is_repository(hosted_folder(live_server, name), repo_type)
    for path in (top, f"{top}/sub"):
        group = admin_api.result("get_repo_group", repogroupid=path)
        assert group["group_description"] == f"{path} group"
        assert group["owner"] == live_server.admin_username
        assert [m["permission"] for m in group["members"] if m["name"] == "default"] == [
            "group.read"
        ]
    assert admin_api.result("get_repo_group", repogroupid=f"{top}/sub")["repositories"] == [name]
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["description"] == name.rsplit("/", 1)[1]


def test_create_repo_in_existing_group_takes_its_locking(admin_api, repo_type):
    group = unique("lockgrp")
    admin_api.result("create_repo_group", group_name=group)
    admin_api.result("update_repo_group", repogroupid=group, enable_locking=True)
    name = create_repo(admin_api, repo_type, f"{group}/{unique('r')}", enable_locking=False)
    assert admin_api.result("get_repo", repoid=name)["enable_locking"] is True


def test_private_repository_default_row_and_visibility(admin_api, repo_type):
    other = make_user(admin_api)
    name = create_repo(admin_api, repo_type, private=True)
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["private"] is True
    assert default_row(repo) == "repository.none"
    assert other.api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    assert other.api.error("get_repo", repoid=repo["repo_id"]) == (
        f"repository `{repo['repo_id']}` does not exist"
    )
    assert name not in [r["repo_name"] for r in other.api.result("get_repos")]


def test_copy_permissions_from_parent_group(admin_api, repo_type):
    group = unique("copygrp")
    reader = make_user(admin_api)
    admin_api.result("create_repo_group", group_name=group)
    admin_api.result(
        "grant_user_permission_to_repo_group", repogroupid=group, userid=reader.username,
        perm="group.write",
    )
    name = create_repo(admin_api, repo_type, f"{group}/{unique('r')}", copy_permissions=True)
    members = admin_api.result("get_repo", repoid=name)["members"]
    assert {"name": reader.username, "permission": "repository.write", "origin": "permission",
            "type": "user"} in members
    private = create_repo(
        admin_api, repo_type, f"{group}/{unique('p')}", copy_permissions=True, private=True
    )
    repo = admin_api.result("get_repo", repoid=private)
    assert default_row(repo) == "repository.none"


def test_owner_is_for_admins_only(admin_api, repo_type):
    user = make_user(admin_api)
    name = create_repo(admin_api, repo_type, owner=user.username)
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["owner"] == user.username
    assert [f["username"] for f in repo["followers"]] == [user.username]
    # The owner has admin on his repository even though it is not his by creation.
    assert user.api.result("get_repo", repoid=name)["repo_name"] == name

    message = "Only RhodeCode admin can specify `owner` param"
    for owner in (user.username, user.user_id, "nobody-at-all"):
        assert user.api.error(
            "create_repo", repo_name=unique("x"), repo_type=repo_type, owner=owner
        ) == message
    assert admin_api.error(
        "create_repo", repo_name=unique("x"), repo_type=repo_type, owner="nobody-at-all"
    ) == "user `nobody-at-all` does not exist"


def test_ordinary_user_creates_top_level_repository(admin_api, repo_type):
    user = make_user(admin_api)
    name = create_repo(user.api, repo_type)
    repo = user.api.result("get_repo", repoid=name)
    assert repo["owner"] == user.username
    owner_entries = [m for m in repo["members"] if m["origin"] == "owner"]
    assert owner_entries == [{"name": user.username, "permission": "repository.admin",
                              "origin": "owner", "type": "user"}]


def test_group_admin_without_create_right(admin_api, live_server, repo_type):
    user = make_user(admin_api)
    drop_create_right(live_server, user.user_id)
    mine, foreign = unique("mine"), unique("foreign")
    for group in (mine, foreign):
        admin_api.result("create_repo_group", group_name=group)
    admin_api.result(
        "grant_user_permission_to_repo_group", repogroupid=mine, userid=user.user_id,
        perm="group.admin",
    )
    name = create_repo(user.api, repo_type, f"{mine}/{unique('r')}")
    assert admin_api.result("get_repo", repoid=name)["owner"] == user.username

    assert user.api.error(
        "create_repo", repo_name=f"{foreign}/{unique('r')}", repo_type=repo_type
    ) == f"repository group `{foreign}` does not exist"
    missing = unique("missing")
    assert user.api.error(
        "create_repo", repo_name=f"{missing}/x/{unique('r')}", repo_type=repo_type
    ) == f"repository group `{missing}/x` does not exist"
    assert user.api.error(
        "create_repo", repo_name=unique("top"), repo_type=repo_type
    ) == "Access was denied to this resource."
    # The permission check runs before the owner check and the name clash check.
    assert user.api.error(
        "create_repo", repo_name=name, repo_type=repo_type, owner=user.username
    ) == "Only RhodeCode admin can specify `owner` param"
    assert user.api.error(
        "create_repo", repo_name=f"{foreign}/x", repo_type=repo_type, owner=user.username
    ) == f"repository group `{foreign}` does not exist"


def test_create_repo_refusals(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    assert admin_api.error("create_repo", repo_name=name, repo_type=repo_type) == (
        f"repo `{name}` already exist"
    )
    assert admin_api.error("create_repo", repo_name=f"/{name}//", repo_type=repo_type) == (
        f"repo `{name}` already exist"
    )
    # Checks run in order: owner lookup, then the name clash, then everything else.
    assert admin_api.error("create_repo", repo_name=name, repo_type="svn") == (
        f"repo `{name}` already exist"
    )
    assert admin_api.error("create_repo", repo_name=name, repo_type=repo_type,
                           owner="nobody-at-all") == "user `nobody-at-all` does not exist"
    for empty in ("", "///"):
        assert admin_api.error("create_repo", repo_name=empty, repo_type=repo_type) == (
            "Validation failed: {'repo_name': 'Required'}"
        )
    assert admin_api.error("create_repo", repo_name=unique("x")) == (
        "Missing non optional `repo_type` arg in JSON DATA"
    )


@pytest.mark.parametrize(
    "bad", ["..", "../{u}", "{u}/../x", "_admin", "{u}/_admin", "{u}/_admin/x", "{u}/.hidden"]
)
def test_create_repo_bad_names_leave_nothing(admin_api, live_server, repo_type, bad):
    name = bad.format(u=unique("bad"))
    assert admin_api.error("create_repo", repo_name=name, repo_type=repo_type) == (
        f"failed to create repository `{name}`"
    )
    top = name.split("/")[0]
    assert admin_api.error("get_repo_group", repogroupid=top) == (
        f"repository group `{top}` does not exist"
    )
    if top not in ("..", "_admin"):
        assert not hosted_folder(live_server, top).exists()


def test_create_repo_unsupported_type(admin_api, live_server, repo_type):
    name = f"{unique('g')}/{unique('svn')}"
    for kind in ("svn", "", None, repo_type.upper()):
        assert admin_api.error("create_repo", repo_name=name, repo_type=kind) == (
            f"failed to create repository `{name}`"
        )
    no_trace_of(admin_api, live_server, name)
    assert not hosted_folder(live_server, name.split("/")[0]).exists()


def test_create_repo_clashing_with_group(admin_api, live_server, repo_type):
    group = unique("clash")
    admin_api.result("create_repo_group", group_name=group)
    assert admin_api.error("create_repo", repo_name=group, repo_type=repo_type) == (
        f"failed to create repository `{group}`"
    )
    assert admin_api.result("get_repo_group", repogroupid=group)["group_name"] == group
    assert hosted_folder(live_server, group).is_dir()
    assert admin_api.error("get_repo", repoid=group) == f"repository `{group}` does not exist"


def test_create_repo_from_clone_uri(admin_api, live_server, repo_type, tmp_path):
    _work, ids = make_source_repository(
        tmp_path / "source", repo_type, {"a.txt": "a\n"}, {"b.txt": "b\n"}
    )
    name = f"{unique('cloned')}/{unique('c')}"
    create_repo(admin_api, repo_type, name, clone_uri=str(tmp_path / "source"))
    assert log_ids(hosted_folder(live_server, name), repo_type) == ids
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["clone_uri"] == str(tmp_path / "source")
    assert repo["last_changeset"]["raw_id"] == ids[-1]
    assert repo["last_changeset"]["revision"] == 1

    # A hosted repository is a local path too.
    copy = create_repo(admin_api, repo_type, clone_uri=str(hosted_folder(live_server, name)))
    assert log_ids(hosted_folder(live_server, copy), repo_type) == ids


def test_local_clone_uri_only_for_admins(admin_api, live_server, repo_type, tmp_path):
    make_source_repository(tmp_path / "source", repo_type, {"a.txt": "a\n"})
    user = make_user(admin_api)
    name = unique("local")
    assert user.api.error(
        "create_repo", repo_name=name, repo_type=repo_type, clone_uri=str(tmp_path / "source")
    ) == f"failed to create repository `{name}`"
    no_trace_of(admin_api, live_server, name)


@pytest.mark.parametrize("uri", ["/does/not/exist", "http://127.0.0.1:9/nothing", "file:///nope"])
def test_unreachable_clone_uri_leaves_nothing(admin_api, live_server, repo_type, uri):
    top = unique("unreach")
    name = f"{top}/sub/{unique('r')}"
    assert admin_api.error("create_repo", repo_name=name, repo_type=repo_type, clone_uri=uri) == (
        f"failed to create repository `{name}`"
    )
    no_trace_of(admin_api, live_server, name)
    assert admin_api.error("get_repo_group", repogroupid=top) == (
        f"repository group `{top}` does not exist"
    )
    assert not hosted_folder(live_server, top).exists()


# -- get_repo / get_repos --------------------------------------------------------------------------


def test_get_repo_last_changeset_after_commits(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    ids = push_commits(live_server, name, repo_type, {"a.txt": "1\n"}, {"a.txt": "2\n"})
    # Pushed behind the server's back: the cached value is still the empty commit...
    assert admin_api.result("get_repo", repoid=name)["last_changeset"]["raw_id"] == EMPTY_ID
    # ...until asked to refresh, which also stores the new value.
    last = admin_api.result("get_repo", repoid=name, cache=False)["last_changeset"]
    # git keeps the message's final newline as written by the client; Mercurial drops it.
    assert last["message"].rstrip("\n") == "commit 1\n\ndetails of commit 1"
    assert last == {
        "short_id": ids[1][:12],
        "raw_id": ids[1],
        "revision": 1,
        "message": last["message"],
        "date": last["date"],
        "author": AUTHOR,
        "parents": [{"raw_id": ids[0]}],
        "branch": head_branch(repo_type),
    }
    assert DATETIME.match(last["date"])
    assert admin_api.result("get_repo", repoid=name, cache="true")["last_changeset"] == last
    listed = [r for r in admin_api.result("get_repos") if r["repo_name"] == name]
    assert listed[0]["last_changeset"] == last


def test_get_repo_by_id_name_and_unknown(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    repo = admin_api.result("get_repo", repoid=name)
    assert admin_api.result("get_repo", repoid=repo["repo_id"])["repo_name"] == name
    assert admin_api.result("get_repo", name=name)["repo_id"] == repo["repo_id"]  # legacy arg
    assert admin_api.error("get_repo", repoid=str(repo["repo_id"])) == (
        f"repository `{repo['repo_id']}` does not exist"  # a digit string is a name
    )
    assert admin_api.error("get_repo", repoid=None) == "repository `None` does not exist"
    assert admin_api.error("get_repo") == "Missing non optional `repoid` arg in JSON DATA"


def test_get_repo_members_permissions_followers(admin_api, live_server, repo_type):
    owner = make_user(admin_api)
    writer, reader = make_user(admin_api), make_user(admin_api)
    group = admin_api.result("create_user_group", group_name=unique("ug"))["user_group"]
    name = create_repo(admin_api, repo_type, owner=owner.username)
    admin_api.result("grant_user_permission", repoid=name, userid=reader.username,
                     perm="repository.read")
    admin_api.result("grant_user_permission", repoid=name, userid=writer.username,
                     perm="repository.write")
    admin_api.result("grant_user_group_permission", repoid=name,
                     usergroupid=group["group_name"], perm="repository.admin")
    repo = admin_api.result("get_repo", repoid=name)
    members = repo["members"]
    assert repo["permissions"] == members
    admins = [m for m in members if m["origin"] == "super-admin"]
    assert {"name": live_server.admin_username, "permission": "repository.admin",
            "origin": "super-admin", "type": "user"} in admins
    assert [m["name"] for m in admins] == sorted(m["name"] for m in admins)
    rest = members[len(admins):]
    assert rest == [
        {"name": owner.username, "permission": "repository.admin", "origin": "owner",
         "type": "user"},
        {"name": "default", "permission": "repository.read", "origin": "permission",
         "type": "user"},
        {"name": writer.username, "permission": "repository.write", "origin": "permission",
         "type": "user"},
        {"name": reader.username, "permission": "repository.read", "origin": "permission",
         "type": "user"},
        {"name": group["group_name"], "permission": "repository.admin",
         "origin": "permission", "type": "user_group"},
    ]
    [follower] = repo["followers"]
    assert follower["username"] == owner.username
    assert follower["api_key"] == owner.token  # super-admin caller: secrets
    seen_by_reader = reader.api.result("get_repo", repoid=name)
    assert seen_by_reader["followers"][0]["api_key"] == "*" * 40


def test_get_repos_lists_readable_by_id(admin_api, repo_type):
    user = make_user(admin_api)
    public = create_repo(admin_api, repo_type)
    private = create_repo(admin_api, repo_type, private=True)
    shared = create_repo(admin_api, repo_type, private=True)
    own = create_repo(user.api, repo_type, private=True)
    admin_api.result("grant_user_permission", repoid=shared, userid=user.user_id,
                     perm="repository.read")

    listed = user.api.result("get_repos")
    names = [r["repo_name"] for r in listed]
    assert public in names and shared in names and own in names
    assert private not in names
    ids = [r["repo_id"] for r in listed]
    assert ids == sorted(ids)
    assert all(set(r) == REPO_KEYS for r in listed)

    everything = admin_api.result("get_repos")
    assert {public, private, shared, own} <= {r["repo_name"] for r in everything}
    assert [r["repo_id"] for r in everything] == sorted(r["repo_id"] for r in everything)
    # A user-group grant of repository.none hides a public repository from its members.
    group = admin_api.result("create_user_group", group_name=unique("hide"))["user_group"]
    admin_api.result("add_user_to_user_group", usergroupid=group["users_group_id"],
                     userid=user.user_id)
    admin_api.result("grant_user_group_permission", repoid=public,
                     usergroupid=group["users_group_id"], perm="repository.none")
    assert public not in [r["repo_name"] for r in user.api.result("get_repos")]


def test_get_repos_entries_match_get_repo(admin_api, live_server, repo_type):
    """get_repos reads its rows differently from get_repo: both must show the same object."""
    user = make_user(admin_api)
    source = create_repo(admin_api, repo_type, description="the source")
    push_commits(live_server, source, repo_type, {"a": "1\n"})
    fork = unique("listed-fork")
    admin_api.result("fork_repo", repoid=source, fork_name=fork, owner=user.username)
    admin_api.result("add_field_to_repo", repoid=fork, key="team")
    admin_api.result("update_repo", repoid=fork, fields="team=core", clone_uri="https://x.test/r")
    admin_api.result("lock", repoid=fork, locked=True, userid=user.user_id)
    for api in (admin_api, user.api):
        single = {name: api.result("get_repo", repoid=name) for name in (source, fork)}
        listed = {r["repo_name"]: r for r in api.result("get_repos") if r["repo_name"] in single}
        for name, repo in single.items():
            for key in ("members", "permissions", "followers"):
                del repo[key]
            assert listed[name] == repo
    entry = [r for r in user.api.result("get_repos") if r["repo_name"] == fork][0]
    assert entry["fork_of"] == source and entry["owner"] == user.username
    assert entry["ex_team"] == "core" and entry["clone_uri"] == "https://x.test/r"
    assert entry["locked_by"]["username"] == user.username
    assert entry["locked_by"]["api_key"] == "*" * 40
    assert entry["last_changeset"]["revision"] == 0


# -- update_repo -----------------------------------------------------------------------------------


def test_update_repo_rename_moves_folder(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    ids = push_commits(live_server, name, repo_type, {"f": "x\n"})
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    new = unique("renamed-")
    reply = admin_api.result("update_repo", repoid=name, name=new)
    assert reply["msg"] == f"updated repo ID:{repo_id} {new}"
    assert reply["repository"]["repo_name"] == new
    assert set(reply["repository"]) == REPO_KEYS
    assert not hosted_folder(live_server, name).exists()
    assert log_ids(hosted_folder(live_server, new), repo_type) == ids
    assert admin_api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    assert admin_api.result("get_repo", repoid=repo_id, cache=False)["last_changeset"][
        "raw_id"] == ids[0]


def test_update_repo_move_to_group_and_rename_inside(admin_api, live_server, repo_type):
    group = unique("dest")
    admin_api.result("create_repo_group", group_name=group)
    name = create_repo(admin_api, repo_type)
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    reply = admin_api.result("update_repo", repoid=repo_id, group=group)
    assert reply["msg"] == f"updated repo ID:{repo_id} {group}/{name}"
    assert is_repository(hosted_folder(live_server, f"{group}/{name}"), repo_type)
    assert not hosted_folder(live_server, name).exists()
    assert admin_api.result("get_repo_group", repogroupid=group)["repositories"] == [
        f"{group}/{name}"
    ]
    # A new name keeps the group part.
    reply = admin_api.result("update_repo", repoid=repo_id, name="inner")
    assert reply["repository"]["repo_name"] == f"{group}/inner"
    assert is_repository(hosted_folder(live_server, f"{group}/inner"), repo_type)
    # There is no way back to the top level through `group`.
    assert admin_api.error("update_repo", repoid=repo_id, group=None) == (
        "repository group `None` does not exist"
    )
    assert admin_api.error("update_repo", repoid=repo_id, group="no/such") == (
        "repository group `no/such` does not exist"
    )


def test_update_repo_fields_change_only_supplied_keys(admin_api, repo_type):
    user = make_user(admin_api)
    name = create_repo(admin_api, repo_type, description="keep me")
    reply = admin_api.result(
        "update_repo", repoid=name, owner=user.username, clone_uri="https://example.com/x",
        landing_rev="branch:" + head_branch(repo_type), enable_statistics="true",
        enable_locking=True, enable_downloads="1",
    )
    repo = reply["repository"]
    assert repo["description"] == "keep me"
    assert repo["owner"] == user.username
    assert repo["clone_uri"] == "https://example.com/x"
    assert repo["landing_rev"] == ["branch", head_branch(repo_type)]
    assert (repo["enable_statistics"], repo["enable_locking"], repo["enable_downloads"]) == (
        True, True, True,
    )
    repo = admin_api.result("update_repo", repoid=name, description="new", clone_uri=None,
                            enable_locking="false")["repository"]
    assert (repo["description"], repo["clone_uri"], repo["enable_locking"]) == ("new", "", False)
    assert repo["owner"] == user.username and repo["enable_statistics"] is True
    assert admin_api.result("get_repo", repoid=name)["description"] == "new"


def test_update_repo_private_resets_default_row(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    repo = admin_api.result("update_repo", repoid=name, private=True)["repository"]
    assert repo["private"] is True
    assert default_row(admin_api.result("get_repo", repoid=name)) == "repository.none"
    admin_api.result("update_repo", repoid=name, private="false")
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["private"] is False
    assert default_row(repo) == "repository.none"  # not restored


def test_update_repo_fork_of(admin_api, repo_type):
    parent, child = create_repo(admin_api, repo_type), create_repo(admin_api, repo_type)
    repo = admin_api.result("update_repo", repoid=child, fork_of=parent)["repository"]
    assert repo["fork_of"] == parent
    assert admin_api.error("update_repo", repoid=child, fork_of="no-such-repo") == (
        "repository `no-such-repo` does not exist"
    )


def test_update_repo_refusals(admin_api, repo_type):
    name, other = create_repo(admin_api, repo_type), create_repo(admin_api, repo_type)
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    for changes in ({"name": other}, {"owner": "nobody-here"}, {"landing_rev": "nonsense"}):
        assert admin_api.error("update_repo", repoid=repo_id, **changes) == (
            f"failed to update repo `{repo_id}`"
        )
    assert admin_api.result("get_repo", repoid=repo_id)["repo_name"] == name
    # Group and fork_of lookups come before anything else fails.
    assert admin_api.error(
        "update_repo", repoid=name, name=other, group="missing-grp"
    ) == "repository group `missing-grp` does not exist"
    user = make_user(admin_api)
    assert user.api.error("update_repo", repoid=name, description="x") == (
        f"repository `{name}` does not exist"
    )
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.admin")
    assert user.api.result("update_repo", repoid=name, description="by repo admin")[
        "repository"]["description"] == "by repo admin"


def test_update_repo_move_needs_rights_on_the_destination(admin_api, live_server, repo_type):
    user = make_user(admin_api)
    drop_create_right(live_server, user.user_id)
    name = create_repo(admin_api, repo_type, owner=user.username)
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    readable, hidden, mine = unique("readable"), unique("hidden"), unique("mine")
    for group in (readable, hidden, mine):
        admin_api.result("create_repo_group", group_name=group)
    admin_api.result("revoke_user_permission_from_repo_group", repogroupid=hidden,
                     userid="default")
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=mine,
                     userid=user.user_id, perm="group.admin")
    assert user.api.error("update_repo", repoid=name, group=hidden) == (
        f"repository group `{hidden}` does not exist"
    )
    assert user.api.error("update_repo", repoid=name, group=readable) == (
        f"failed to update repo `{name}`"
    )
    assert hosted_folder(live_server, name).is_dir()
    reply = user.api.result("update_repo", repoid=name, group=mine)
    assert reply["msg"] == f"updated repo ID:{repo_id} {mine}/{name}"
    # Staying in the same group needs nothing more (a rename in place).
    assert user.api.result("update_repo", repoid=repo_id, group=mine, name="again")[
        "repository"]["repo_name"] == f"{mine}/again"
    secret = create_repo(admin_api, repo_type, private=True)
    assert user.api.error("update_repo", repoid=repo_id, fork_of=secret) == (
        f"repository `{secret}` does not exist"
    )
    # The fork_of lookup comes before any other failure.
    assert user.api.error("update_repo", repoid=repo_id, group=readable, fork_of=secret) == (
        f"repository `{secret}` does not exist"
    )
    assert admin_api.error("update_repo", repoid=repo_id, fork_of=repo_id) == (
        f"failed to update repo `{repo_id}`"
    )


# -- fork_repo -------------------------------------------------------------------------------------


def test_fork_repo_clones_commits(admin_api, live_server, repo_type):
    source = create_repo(admin_api, repo_type)
    ids = push_commits(live_server, source, repo_type, {"a": "1\n"}, {"b": "2\n"})
    fork = f"{unique('forks')}/deeper/{unique('fork-')}"
    reply = admin_api.result("fork_repo", repoid=source, fork_name=fork)
    assert reply == {"msg": f"Created fork of `{source}` as `{fork}`", "success": True,
                     "task": None}
    assert log_ids(hosted_folder(live_server, fork), repo_type) == ids
    repo = admin_api.result("get_repo", repoid=fork)
    assert repo["fork_of"] == source
    assert repo["repo_type"] == repo_type
    assert repo["description"] == fork.rsplit("/", 1)[1]
    assert repo["last_changeset"]["raw_id"] == ids[-1]
    assert repo["clone_uri"] == ""
    assert default_row(repo) == "repository.read"
    assert admin_api.result("get_repo_group", repogroupid=fork.rsplit("/", 1)[0])[
        "group_description"] == f"{fork.rsplit('/', 1)[0]} group"
    changesets = admin_api.result("get_repo_changesets", repoid=fork, start_rev="0", limit=-1)
    assert [c["raw_id"] for c in changesets] == ids


def test_fork_repo_permissions(admin_api, repo_type):
    writer = make_user(admin_api)
    source = create_repo(admin_api, repo_type, private=True)
    admin_api.result("grant_user_permission", repoid=source, userid=writer.user_id,
                     perm="repository.write")
    copied = unique("copied")
    admin_api.result("fork_repo", repoid=source, fork_name=copied, copy_permissions="true")
    members = admin_api.result("get_repo", repoid=copied)["members"]
    assert {"name": writer.username, "permission": "repository.write", "origin": "permission",
            "type": "user"} in members
    assert default_row({"members": members}) == "repository.none"  # copied from the source

    plain = unique("plain")
    admin_api.result("fork_repo", repoid=source, fork_name=plain, description="d",
                     private=False)
    repo = admin_api.result("get_repo", repoid=plain)
    assert writer.username not in [m["name"] for m in repo["members"]]
    assert default_row(repo) == "repository.read"
    assert repo["description"] == "d"

    private = unique("priv")
    admin_api.result("fork_repo", repoid=source, fork_name=private, copy_permissions=True,
                     private=True)
    assert default_row(admin_api.result("get_repo", repoid=private)) == "repository.none"


def test_fork_repo_name_taken(admin_api, repo_type):
    source = create_repo(admin_api, repo_type)
    fork = unique("fk")
    admin_api.result("fork_repo", repoid=source, fork_name=fork)
    assert admin_api.error("fork_repo", repoid=source, fork_name=fork) == (
        f"fork `{fork}` already exist"
    )
    other = create_repo(admin_api, repo_type)
    assert admin_api.error("fork_repo", repoid=source, fork_name=other) == (
        f"repo `{other}` already exist"
    )


def test_fork_repo_owner_and_access(admin_api, live_server, repo_type):
    user = make_user(admin_api)
    source = create_repo(admin_api, repo_type)
    secret = create_repo(admin_api, repo_type, private=True)
    assert user.api.error("fork_repo", repoid=secret, fork_name=unique("f")) == (
        f"repository `{secret}` does not exist"
    )
    assert user.api.error(
        "fork_repo", repoid=source, fork_name=unique("f"), owner=user.username
    ) == "Only RhodeCode admin can specify `owner` param"
    assert admin_api.error(
        "fork_repo", repoid=source, fork_name=unique("f"), owner="nobody-x"
    ) == "user `nobody-x` does not exist"
    fork = unique("uf")
    user.api.result("fork_repo", repoid=source, fork_name=fork)
    assert admin_api.result("get_repo", repoid=fork)["owner"] == user.username
    fork2 = unique("af")
    admin_api.result("fork_repo", repoid=source, fork_name=fork2, owner=user.user_id)
    assert admin_api.result("get_repo", repoid=fork2)["owner"] == user.username


def test_fork_repo_without_rights(admin_api, live_server, repo_type):
    source = create_repo(admin_api, repo_type)
    no_fork = make_user(admin_api)
    drop_create_right(live_server, no_fork.user_id, fork=False)
    assert no_fork.api.error("fork_repo", repoid=source, fork_name=unique("f")) == (
        "Access was denied to this resource."
    )
    assert no_fork.api.error("fork_repo", repoid="no-such", fork_name=unique("f")) == (
        "Access was denied to this resource."
    )
    no_create = make_user(admin_api)
    drop_create_right(live_server, no_create.user_id)
    assert no_create.api.error("fork_repo", repoid=source, fork_name=unique("f")) == (
        "Access was denied to this resource."
    )
    group = unique("fg")
    admin_api.result("create_repo_group", group_name=group)
    assert no_create.api.error("fork_repo", repoid=source, fork_name=f"{group}/f") == (
        f"repository group `{group}` does not exist"
    )
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=group,
                     userid=no_create.user_id, perm="group.admin")
    no_create.api.result("fork_repo", repoid=source, fork_name=f"{group}/f")


def test_fork_repo_failure_names_the_source(admin_api, live_server, repo_type):
    source = create_repo(admin_api, repo_type)
    repo_id = admin_api.result("get_repo", repoid=source)["repo_id"]
    for bad in ("_admin", f"{unique('g')}/../x"):
        assert admin_api.error("fork_repo", repoid=repo_id, fork_name=bad) == (
            f"failed to fork repository `{source}` as `{bad}`"
        )
    assert admin_api.error("fork_repo", repoid=repo_id + 100000, fork_name="x") == (
        f"repository `{repo_id + 100000}` does not exist"
    )


# -- delete_repo -----------------------------------------------------------------------------------


def _archived(parent: Path, short: str) -> list[Path]:
    return [p for p in parent.iterdir()
            if re.fullmatch(rf"rm__\d{{8}}_\d{{6}}_\d{{6}}__{re.escape(short)}", p.name)]


def test_delete_repo_moves_folder_aside(admin_api, live_server, repo_type):
    group = unique("delgrp")
    for name in (create_repo(admin_api, repo_type),
                 create_repo(admin_api, repo_type, f"{group}/{unique('d')}")):
        ids = push_commits(live_server, name, repo_type, {"f": "x\n"})
        folder = hosted_folder(live_server, name)
        repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
        assert admin_api.result("delete_repo", repoid=repo_id) == {
            "msg": f"Deleted repository `{name}`", "success": True,
        }
        assert not folder.exists()
        [archived] = _archived(folder.parent, folder.name)
        if repo_type == "hg":  # disabled: nothing mistakes it for a live repository
            assert (archived / "rm__.hg").is_dir() and not (archived / ".hg").exists()
        else:
            assert (archived / "HEAD").is_file()
            assert log_ids(archived, "git") == ids
        assert admin_api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    # The name is free again.
    create_repo(admin_api, repo_type, name)


def test_delete_repo_with_forks(admin_api, live_server, repo_type):
    source = create_repo(admin_api, repo_type)
    forks = [unique("df"), unique("df")]
    for fork in forks:
        admin_api.result("fork_repo", repoid=source, fork_name=fork)
    grandchild = unique("gc")
    admin_api.result("fork_repo", repoid=forks[0], fork_name=grandchild)

    for value in ("", "keep", None):
        args = {} if value == "" else {"forks": value}
        assert admin_api.error("delete_repo", repoid=source, **args) == (
            f"failed to delete repository `{source}`"
        )
    assert hosted_folder(live_server, source).exists()

    assert admin_api.result("delete_repo", repoid=forks[0], forks="detach") == {
        "msg": f"Deleted repository `{forks[0]}` Detached 1 forks", "success": True,
    }
    assert admin_api.result("get_repo", repoid=grandchild)["fork_of"] is None

    nested = unique("nf")
    admin_api.result("fork_repo", repoid=forks[1], fork_name=nested)
    assert admin_api.result("delete_repo", repoid=source, forks="delete") == {
        "msg": f"Deleted repository `{source}` Deleted 1 forks", "success": True,
    }
    for gone in (source, forks[1], nested):
        assert admin_api.error("get_repo", repoid=gone) == f"repository `{gone}` does not exist"
        assert not hosted_folder(live_server, gone).exists()
    admin_api.result("delete_repo", repoid=grandchild, forks="delete")  # no forks: no suffix


def test_delete_repo_needs_admin(admin_api, repo_type):
    user = make_user(admin_api)
    name = create_repo(admin_api, repo_type)
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.write")
    assert user.api.error("delete_repo", repoid=name) == f"repository `{name}` does not exist"
    assert admin_api.error("delete_repo", repoid="gone-" + name) == (
        f"repository `gone-{name}` does not exist"
    )
    own = create_repo(user.api, repo_type)
    assert user.api.result("delete_repo", repo_name=own)["msg"] == f"Deleted repository `{own}`"


# -- extra fields ----------------------------------------------------------------------------------


def test_extra_fields(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    assert admin_api.result("add_field_to_repo", repoid=name, key="ticket",
                            label="Ticket", description="tracker") == {
        "msg": "Added new repository field `ticket`", "success": True,
    }
    admin_api.result("add_field_to_repo", repoid=repo_id, key="team")
    assert admin_api.error("add_field_to_repo", repoid=repo_id, key="ticket") == (
        f"Field with key `ticket` exists for repo `{repo_id}`"
    )
    repo = admin_api.result("get_repo", repoid=name)
    assert (repo["ex_ticket"], repo["ex_team"]) == ("", "")

    reply = admin_api.result("update_repo", repoid=name,
                             fields=r"ticket=T-1\, T-2,team=core,unknown=x")
    assert reply["repository"]["ex_ticket"] == "T-1, T-2"
    assert reply["repository"]["ex_team"] == "core"
    assert "ex_unknown" not in reply["repository"]
    listed = [r for r in admin_api.result("get_repos") if r["repo_name"] == name]
    assert listed[0]["ex_team"] == "core"

    assert admin_api.result("remove_field_from_repo", repoid=name, key="ticket") == {
        "msg": "Deleted repository field `ticket`", "success": True,
    }
    assert "ex_ticket" not in admin_api.result("get_repo", repoid=name)
    assert admin_api.error("remove_field_from_repo", repoid=name, key="ticket") == (
        f"Field with key `ticket` does not exists for repo `{name}`"
    )
    assert admin_api.error("add_field_to_repo", repoid=name, key="bad key!") == (
        f"failed to create new field for repository `{name}`"
    )
    assert admin_api.error("add_field_to_repo", repoid="nope-x", key="k") == (
        "repository `nope-x` does not exist"
    )
    user = make_user(admin_api)
    assert user.api.error("add_field_to_repo", repoid=name, key="k") == (
        f"repository `{name}` does not exist"
    )
    assert user.api.error("remove_field_from_repo", repoid=name, key="team") == (
        f"repository `{name}` does not exist"
    )


def test_deleted_folder_does_not_break_get_repo(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    shutil.rmtree(hosted_folder(live_server, name))
    repo = admin_api.result("get_repo", repoid=name, cache=False)
    assert repo["last_changeset"]["raw_id"] == EMPTY_ID
    admin_api.result("delete_repo", repoid=name)


def test_x_and_x_dot_git_cannot_both_exist(admin_api, repo_type):
    """``/x.git`` also serves ``x``: a second repository must not take over that clone URL."""
    name = unique("twin")
    admin_api.result("create_repo", repo_name=name, repo_type=repo_type)
    assert admin_api.error("create_repo", repo_name=name + ".git", repo_type=repo_type) == (
        f"failed to create repository `{name}.git`"
    )
    admin_api.result("create_repo", repo_name=name + "-b.git", repo_type="git")
    assert admin_api.error("create_repo", repo_name=name + "-b", repo_type="hg") == (
        f"failed to create repository `{name}-b`"
    )
    assert admin_api.error("update_repo", repoid=name, name=name + "-b") == (
        f"failed to update repo `{name}`"
    )
    names = {r["repo_name"] for r in admin_api.result("get_repos")}
    assert name + ".git" not in names and name + "-b" not in names
