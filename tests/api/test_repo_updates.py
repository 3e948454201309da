"""Changing repositories through the API (REFERENCE.md 4.4): update_repo, fork_repo, delete_repo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.api.repo_objects import REPO_KEYS, default_row, is_repository
from tests.factories import make_user, unique
from tests.factories.api import (
    REPO_TYPES,
    create_repo,
    drop_create_right,
    head_branch,
    hosted_folder,
    push_commits,
)
from tests.factories.commits import log_ids

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)


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
