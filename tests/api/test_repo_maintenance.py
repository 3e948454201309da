"""Keeping repositories in step with their disk and remotes (REFERENCE.md 4.1 rescan_repos, 4.4):
rescan_repos, invalidate_cache, pull, strip, lock, get_locks / get_user_locks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time

import pytest

from tests.factories import make_user, unique
from tests.factories.api import EMPTY_ID, REPO_TYPES, create_repo, hosted_folder, push_commits
from tests.factories.commits import GIT, HG, log_ids, make_source_repository, run

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)


def init_by_hand(folder, repo_type: str) -> None:
    """A repository made on the server's disk without vcshub knowing."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if repo_type == "git":
        run([GIT, "init", "--quiet", "--bare", str(folder)])
    else:
        run([HG, "init", str(folder)])


def tip_of(api, name: str, **args) -> str:
    return api.result("get_repo", repoid=name, **args)["last_changeset"]["raw_id"]


# -- rescan_repos ----------------------------------------------------------------------------------


def test_rescan_adds_repositories_found_on_disk(admin_api, live_server, repo_type):
    top = unique("scanned-")
    nested = f"{unique('newdir')}/sub/{unique('deep-')}"
    for name in (top, nested):
        init_by_hand(hosted_folder(live_server, name), repo_type)
    result = admin_api.result("rescan_repos")
    assert set(result) == {"added", "removed"}
    assert {top, nested} <= set(result["added"])
    assert result["removed"] == []

    for name in (top, nested):
        repo = admin_api.result("get_repo", repoid=name)
        assert repo["repo_type"] == repo_type
        assert repo["owner"] == live_server.admin_username
        assert repo["description"] == f"{name} repository"
        assert repo["private"] is False
        assert repo["last_changeset"]["raw_id"] == EMPTY_ID
        assert [m["permission"] for m in repo["members"] if m["name"] == "default"] == [
            "repository.read"
        ]
    group = nested.split("/")[0]
    for path in (group, f"{group}/sub"):
        assert admin_api.result("get_repo_group", repogroupid=path)["group_description"] == (
            f"{path} group"
        )
    assert admin_api.result("get_repo_group", repogroupid=f"{group}/sub")["repositories"] == [
        nested
    ]
    again = admin_api.result("rescan_repos")
    assert top not in again["added"] and nested not in again["added"]


def test_rescan_reads_commits_and_skips_archives(admin_api, live_server, repo_type, tmp_path):
    name = unique("withcommits-")
    folder = hosted_folder(live_server, name)
    work, ids = make_source_repository(tmp_path / "src", repo_type, {"a": "a\n"}, {"b": "b\n"})
    if repo_type == "git":
        run([GIT, "clone", "--quiet", "--bare", str(work.path), str(folder)])
    else:
        run([HG, "clone", "--quiet", "-U", str(work.path), str(folder)])
    archived = hosted_folder(live_server, f"rm__20200101_000000_000000__{unique('old')}")
    init_by_hand(archived, repo_type)
    added = admin_api.result("rescan_repos", remove_obsolete="false")["added"]
    assert name in added
    assert archived.name not in added
    assert tip_of(admin_api, name) == ids[-1]


def test_rescan_uses_the_repository_description(admin_api, live_server, repo_type):
    name = unique("described-")
    folder = hosted_folder(live_server, name)
    init_by_hand(folder, repo_type)
    if repo_type == "git":
        (folder / "description").write_text("Tools for 100% of us\n")
    else:
        (folder / ".hg" / "hgrc").write_text("[web]\ndescription = Tools for 100% of us\n")
    assert name in admin_api.result("rescan_repos")["added"]
    assert admin_api.result("get_repo", repoid=name)["description"] == "Tools for 100% of us"


def test_rescan_removes_obsolete_entries(admin_api, live_server, repo_type):
    gone = create_repo(admin_api, repo_type)
    fork = unique("orphan-")
    admin_api.result("fork_repo", repoid=gone, fork_name=fork)
    shutil.rmtree(hosted_folder(live_server, gone))

    kept = admin_api.result("rescan_repos")  # remove_obsolete defaults to false
    assert gone not in kept["removed"]
    assert admin_api.result("get_repo", repoid=gone)["repo_name"] == gone

    result = admin_api.result("rescan_repos", remove_obsolete=True)
    assert gone in result["removed"]
    assert admin_api.error("get_repo", repoid=gone) == f"repository `{gone}` does not exist"
    assert admin_api.result("get_repo", repoid=fork)["fork_of"] is None
    assert hosted_folder(live_server, fork).is_dir()  # nothing removed from disk


def test_rescan_is_for_super_admins(admin_api, repo_type):
    user = make_user(admin_api)
    assert user.api.error("rescan_repos") == "Access was denied to this resource."


# -- invalidate_cache ------------------------------------------------------------------------------


def test_invalidate_cache_refreshes_last_changeset(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    [first] = push_commits(live_server, name, repo_type, {"a": "1\n"})
    assert tip_of(admin_api, name) == EMPTY_ID  # pushed by hand: the cache does not know
    assert admin_api.result("invalidate_cache", repoid=repo_id) == {
        "msg": f"Cache for repository `{repo_id}` was invalidated", "repository": name,
    }
    assert tip_of(admin_api, name) == first
    [second] = push_commits(live_server, name, repo_type, {"a": "2\n"})
    assert admin_api.result("invalidate_cache", repoid=name, delete_keys="true")["msg"] == (
        f"Cache for repository `{name}` was invalidated"
    )
    assert tip_of(admin_api, name) == second


def test_invalidate_cache_needs_write(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    assert user.api.error("invalidate_cache", repoid=name) == f"repository `{name}` does not exist"
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.write")
    assert user.api.result("invalidate_cache", repoid=name)["repository"] == name
    assert admin_api.error("invalidate_cache", repoid=12345678) == (
        "repository `12345678` does not exist"
    )


# -- pull ------------------------------------------------------------------------------------------


def test_pull_fetches_new_commits_from_clone_uri(admin_api, live_server, repo_type, tmp_path):
    work, ids = make_source_repository(tmp_path / "upstream", repo_type, {"a": "1\n"})
    name = create_repo(admin_api, repo_type, clone_uri=str(work.path))
    ids.append(work.commit({"a": "2\n"}, message="upstream 2"))
    ids.append(work.commit({"b": "3\n"}, message="upstream 3"))
    assert log_ids(hosted_folder(live_server, name), repo_type) == ids[:1]

    assert admin_api.result("pull", repoid=name) == {
        "msg": f"Pulled from `{name}`", "repository": name,
    }
    assert log_ids(hosted_folder(live_server, name), repo_type) == ids
    assert tip_of(admin_api, name) == ids[-1]  # refreshed by the pull itself
    changesets = admin_api.result("get_repo_changesets", repoid=name, start_rev="0", limit=-1)
    assert [c["raw_id"] for c in changesets] == ids
    # Nothing new: still a success. Legacy argument names work too.
    assert admin_api.result("pull", repo_name=name)["msg"] == f"Pulled from `{name}`"


def test_pull_failures(admin_api, live_server, repo_type, tmp_path):
    plain = create_repo(admin_api, repo_type)
    assert admin_api.error("pull", repoid=plain) == f"Unable to pull changes from `{plain}`"
    work, _ids = make_source_repository(tmp_path / "upstream", repo_type, {"a": "1\n"})
    name = create_repo(admin_api, repo_type, clone_uri=str(work.path))
    shutil.rmtree(work.path)
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    assert admin_api.error("pull", repoid=repo_id) == f"Unable to pull changes from `{name}`"
    user = make_user(admin_api)
    assert user.api.error("pull", repoid=name) == f"repository `{name}` does not exist"
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.write")
    assert user.api.error("pull", repoid=name) == f"repository `{name}` does not exist"


# -- strip -----------------------------------------------------------------------------------------


def test_strip_removes_commit_and_descendants(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    ids = push_commits(live_server, name, repo_type, {"a": "0\n"}, {"a": "1\n"}, {"a": "2\n"})
    admin_api.result("invalidate_cache", repoid=name)
    branch = "master" if repo_type == "git" else "default"
    assert admin_api.result("strip", repoid=name, revision=ids[1], branch=branch) == {
        "msg": f"Stripped commit {ids[1]} from repo `{name}`", "repository": name,
    }
    assert log_ids(hosted_folder(live_server, name), repo_type) == ids[:1]
    assert tip_of(admin_api, name) == ids[0]
    changesets = admin_api.result("get_repo_changesets", repoid=name, start_rev="0", limit=-1)
    assert [c["raw_id"] for c in changesets] == ids[:1]
    stripped = admin_api.result("get_repo_changeset", repoid=name, revision=ids[2])
    if repo_type == "hg":
        assert stripped["raw_id"] == EMPTY_ID
    else:  # the object stays in the git store until gc, but is no longer part of the history
        assert stripped["revision"] == -1


def test_strip_failures(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    push_commits(live_server, name, repo_type, {"a": "0\n"})
    unknown = "a" * 40
    assert admin_api.error("strip", repoid=name, revision=unknown, branch="master") == (
        f"Unable to strip commit {unknown} from repo `{name}`"
    )
    user = make_user(admin_api)
    assert user.api.error("strip", repoid=name, revision="tip", branch="master") == (
        f"repository `{name}` does not exist"
    )
    assert admin_api.error("strip", repoid=name, revision="tip") == (
        "Missing non optional `branch` arg in JSON DATA"
    )


# -- lock ------------------------------------------------------------------------------------------


def json_datetime(timestamp: float) -> str:
    """The lock time as the query message shows it: a JSON string, quotes included."""
    local = dt.datetime.fromtimestamp(timestamp)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond // 1000:03d}"
    return json.dumps(text)


def test_lock_query_set_unset(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type)
    admin = live_server.admin_username
    assert admin_api.result("lock", repoid=name) == {
        "repo": name, "locked": False, "locked_since": None, "locked_by": None,
        "lock_reason": None, "lock_state_changed": False, "msg": f"Repo `{name}` not locked.",
    }
    before = time.time()
    reply = admin_api.result("lock", repoid=name, locked=True)
    since = reply.pop("locked_since")
    assert isinstance(since, float) and before - 1 <= since <= time.time() + 1
    assert reply == {
        "repo": name, "locked": True, "locked_by": admin, "lock_reason": "lock_api",
        "lock_state_changed": True,
        "msg": f"User `{admin}` set lock state for repo `{name}` to `True`",
    }
    query = admin_api.result("lock", repoid=name)
    assert isinstance(query["locked_since"], str)
    assert float(query["locked_since"]) == pytest.approx(since, abs=1e-3)
    assert query == {
        "repo": name, "locked": True, "locked_since": query["locked_since"], "locked_by": admin,
        "lock_reason": "lock_api", "lock_state_changed": False,
        "msg": f"Repo `{name}` locked by `{admin}` on `{json_datetime(since)}`.",
    }
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["locked_by"]["username"] == admin
    assert repo["lock_reason"] == "lock_api" and repo["locked_date"]

    for unlock in ("false", None, 0, "no"):
        reply = admin_api.result("lock", repoid=name, locked=unlock)
        assert reply == {
            "repo": name, "locked": False, "locked_since": None, "locked_by": admin,
            "lock_reason": "lock_api", "lock_state_changed": True,
            "msg": f"User `{admin}` set lock state for repo `{name}` to `False`",
        }
    assert admin_api.result("lock", repoid=name)["locked"] is False
    assert admin_api.result("get_repo", repoid=name)["locked_by"] is None


def test_lock_as_another_user(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    holder = make_user(admin_api)
    reply = admin_api.result("lock", repoid=name, locked="true", userid=holder.username)
    assert reply["locked_by"] == holder.username
    assert reply["msg"] == f"User `{holder.username}` set lock state for repo `{name}` to `True`"
    # The query reports the holder, whoever asks.
    assert admin_api.result("lock", repoid=name)["locked_by"] == holder.username
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["locked_by"]["api_key"] == holder.token  # super-admin sees secrets
    reader = make_user(admin_api)
    assert reader.api.result("get_repo", repoid=name)["locked_by"]["api_key"] == "*" * 40
    assert admin_api.error("lock", repoid=name, locked=True, userid="nobody-x") == (
        "user `nobody-x` does not exist"
    )


def test_lock_rules_for_ordinary_users(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    missing = f"repository `{name}` does not exist"
    assert user.api.error("lock", repoid=name) == missing  # read only
    assert user.api.error("lock", repoid=name, userid="nobody-x") == missing
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.write")
    for userid in (user.username, str(user.user_id), user.user_id + 1000000, "nobody-x"):
        assert user.api.error("lock", repoid=name, locked=True, userid=userid) == (
            "userid is not the same as your user"
        )
    reply = user.api.result("lock", repoid=name, locked=True, userid=user.user_id)
    assert reply["locked_by"] == user.username
    assert user.api.result("lock", repoid=name)["locked_by"] == user.username


def test_get_locks_and_get_user_locks(admin_api, live_server, repo_type):
    user = make_user(admin_api)
    mine = create_repo(user.api, repo_type)
    other = create_repo(user.api, repo_type)
    user.api.result("lock", repoid=mine, locked=True)

    reply = user.api.call("get_locks")
    assert reply["error"] is None
    assert reply["DEPRECATION_WARNING"] == (
        "DEPRECATED METHOD Please use method `get_user_locks` instead."
    )
    [locked] = reply["result"]
    assert locked["repo_name"] == mine
    assert locked["locked_by"]["username"] == user.username
    assert locked["locked_by"]["api_key"] == "*" * 40
    assert other not in [r["repo_name"] for r in reply["result"]]

    plain = user.api.call("get_user_locks")
    assert "DEPRECATION_WARNING" not in plain
    assert [r["repo_name"] for r in plain["result"]] == [mine]
    assert user.api.error("get_user_locks", userid=user.username) == (
        "userid is not the same as your user"
    )
    assert user.api.error("get_locks", userid=live_server.admin_username) == (
        "userid is not the same as your user"
    )
    # A super-admin asks about anybody, and sees the holder's secrets.
    seen = admin_api.result("get_user_locks", userid=user.username)
    assert [r["repo_name"] for r in seen] == [mine]
    assert seen[0]["locked_by"]["api_key"] == user.token
    assert admin_api.error("get_locks", userid="nobody-x") == "user `nobody-x` does not exist"
    user.api.result("lock", repoid=mine, locked=False)
    assert user.api.result("get_user_locks") == []


def test_pull_brings_new_branches(admin_api, live_server, repo_type, tmp_path):
    """A second branch created upstream arrives with the pull (git: branch, hg: named branch)."""
    work, ids = make_source_repository(tmp_path / "up", repo_type, {"a": "1\n"})
    name = create_repo(admin_api, repo_type, clone_uri=str(work.path))
    feature = work.commit({"f": "feature\n"}, message="feature", branch="feature")
    admin_api.result("pull", repoid=name)
    assert feature in log_ids(hosted_folder(live_server, name), repo_type)
    assert admin_api.result("get_repo_changeset", repoid=name, revision="feature")["raw_id"] == (
        feature
    )
