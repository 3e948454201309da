"""Reading repositories through the API (REFERENCE.md 4.4): get_repo, get_repos, extra fields."""

from __future__ import annotations

import shutil

import pytest

from tests.api.repo_objects import DATETIME, REPO_KEYS
from tests.factories import make_user, unique
from tests.factories.api import (
    EMPTY_ID,
    REPO_TYPES,
    create_repo,
    head_branch,
    hosted_folder,
    push_commits,
)
from tests.factories.commits import AUTHOR

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)


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
    # (other tests' repositories whose creation from a remote failed add their state)
    assert all(set(r) - {"repo_state", "repo_state_message"} == REPO_KEYS for r in listed)

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
