"""Creating repositories through the API (REFERENCE.md 4.4): create_repo, clone_uri, names.

Every test runs for Git and Mercurial repositories, against a live server on each database
backend. Repositories are real folders in the server's storage; commits are made with the real
command-line clients (tests/factories/commits.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.repo_objects import DATETIME, REPO_KEYS, default_row, is_repository
from tests.factories import make_user, unique
from tests.factories.api import (
    EMPTY_ID,
    REPO_TYPES,
    create_repo,
    drop_create_right,
    head_branch,
    hosted_folder,
    settled_repo,
)
from tests.factories.commits import log_ids, make_source_repository

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)

SUMMARY_KEYS = {"short_id", "raw_id", "revision", "message", "date", "author", "parents", "branch"}


def epoch_local() -> str:
    return dt.datetime.fromtimestamp(0).strftime("%Y-%m-%dT%H:%M:%S")


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
def test_unreachable_clone_uri_leaves_nothing_on_disk(admin_api, live_server, repo_type, uri):
    """The creation answers at once with its task (issue 18); the clone fails in the task: the
    repository says why and nothing of it is on disk."""
    top = unique("unreach")
    name = f"{top}/sub/{unique('r')}"
    reply = admin_api.result("create_repo", repo_name=name, repo_type=repo_type, clone_uri=uri)
    assert reply["msg"] == f"Created new repository `{name}`" and reply["task"]
    failed = settled_repo(admin_api, name)
    assert failed["repo_state"] == "repo_state_error" and failed["repo_state_message"]
    assert failed["last_changeset"]["raw_id"] == "0" * 40
    assert not hosted_folder(live_server, name).exists()


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
