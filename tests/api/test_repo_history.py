"""Reading history and trees through the API (REFERENCE.md 4.4, objects 3.7 and 3.8):
get_repo_changeset, get_repo_changesets, get_repo_nodes — for Git and Mercurial."""

from __future__ import annotations

import hashlib

import pytest

from tests.factories import make_user
from tests.factories.api import EMPTY_ID, REPO_TYPES, create_repo, head_branch, push_commits
from tests.factories.commits import AUTHOR, BINARY_BYTES, sample_tree

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)

COMMIT_KEYS = {"raw_id", "short_id", "revision", "message", "date", "author", "parents",
               "branch", "diff"}
FILE_KEYS = {"name", "type", "md5", "binary", "size", "extension", "mimetype", "lines"}
DIR_KEYS = {"name", "type", "md5", "binary", "size", "extension"}
DIRS = ["docs", "docs/deep", "docs/deep/nested", "src"]
FILES = ["README.rst", "docs/api.rst", "docs/deep/nested/leaf.txt", "logo.bin", "src/main.py"]


@pytest.fixture(scope="module")
def history(admin_api, live_server):
    """Per repository type: a repository with two commits (tree, then A/M/D changes)."""
    made = {}
    for repo_type in REPO_TYPES:
        name = create_repo(admin_api, repo_type)
        ids = push_commits(
            live_server, name, repo_type,
            sample_tree(),
            {"README.rst": "Readme\n======\n\nline 4 changed\nline 5\n", "docs/api.rst": None,
             "new.txt": "new\n"},
        )
        made[repo_type] = (name, ids)
    return made


@pytest.fixture(scope="module")
def five_commits(admin_api, live_server):
    made = {}
    for repo_type in REPO_TYPES:
        name = create_repo(admin_api, repo_type)
        ids = push_commits(live_server, name, repo_type, *({"n.txt": f"{i}\n"} for i in range(5)))
        made[repo_type] = (name, ids)
    return made


# -- get_repo_changeset ----------------------------------------------------------------------------


def test_changeset_basic(admin_api, history, repo_type):
    name, ids = history[repo_type]
    commit = admin_api.result("get_repo_changeset", repoid=name, revision=ids[1])
    assert set(commit) == COMMIT_KEYS
    assert commit["raw_id"] == ids[1]
    assert commit["short_id"] == ids[1][:12]
    assert commit["revision"] == 1
    assert commit["message"].rstrip("\n") == "commit 1\n\ndetails of commit 1"
    assert commit["author"] == AUTHOR
    assert commit["parents"] == [{"raw_id": ids[0]}]
    assert commit["branch"] == head_branch(repo_type)
    assert commit["diff"] == []
    root = admin_api.result("get_repo_changeset", repoid=name, revision=ids[0])
    assert root["parents"] == [] and root["revision"] == 0
    # Short ids, "tip" and branch names resolve too.
    for revision in (ids[1][:12], "tip", head_branch(repo_type)):
        assert admin_api.result("get_repo_changeset", repoid=name, revision=revision)[
            "raw_id"] == ids[1]


def test_changeset_extended(admin_api, history, repo_type):
    name, ids = history[repo_type]
    commit = admin_api.result("get_repo_changeset", repoid=name, revision=ids[1],
                              details="extended")
    stub = {"new_revision": None, "old_revision": None, "raw_diff": None,
            "stats": {"added": None, "binary": None, "deleted": None}}
    assert commit["diff"] == [
        {"filename": "new.txt", "op": "A", **stub},
        {"filename": "README.rst", "op": "M", **stub},
        {"filename": "docs/api.rst", "op": "D", **stub},
    ]
    assert "refs" not in commit


def test_changeset_full(admin_api, history, repo_type):
    name, ids = history[repo_type]
    commit = admin_api.result("get_repo_changeset", repoid=name, revision=ids[1], details="full")
    assert set(commit) == COMMIT_KEYS | {"refs"}
    assert commit["refs"] == {"branches": [head_branch(repo_type)], "bookmarks": [], "tags": []}
    by_name = {d["filename"]: d for d in commit["diff"]}
    assert [d["op"] for d in commit["diff"]] == ["A", "M", "D"]
    added, modified, deleted = by_name["new.txt"], by_name["README.rst"], by_name["docs/api.rst"]
    assert added["stats"] == {"added": 1, "deleted": 0, "binary": False}
    assert modified["stats"] == {"added": 2, "deleted": 1, "binary": False}
    assert deleted["stats"] == {"added": 0, "deleted": 1, "binary": False}
    assert "+line 4 changed" in modified["raw_diff"] and "-line 4" in modified["raw_diff"]
    assert "README.rst" in modified["raw_diff"]
    assert modified["old_revision"] and modified["new_revision"]
    assert modified["old_revision"] != modified["new_revision"]

    first = admin_api.result("get_repo_changeset", repoid=name, revision=ids[0], details="full")
    logo = next(d for d in first["diff"] if d["filename"] == "logo.bin")
    assert logo["op"] == "A" and logo["stats"]["binary"] is True
    assert {d["filename"] for d in first["diff"]} == set(FILES)


def test_unknown_revision_is_the_empty_commit(admin_api, history, repo_type):
    name, _ids = history[repo_type]
    for details in ("basic", "extended", "full"):
        commit = admin_api.result("get_repo_changeset", repoid=name, revision="f" * 40,
                                  details=details)
        assert commit["raw_id"] == EMPTY_ID
        assert commit["short_id"] == "0" * 12
        assert commit["revision"] == -1
        assert (commit["message"], commit["author"], commit["parents"]) == ("", "", [])
        assert commit["diff"] == []
    assert admin_api.result("get_repo_changeset", repoid=name, revision="no-such-branch")[
        "raw_id"] == EMPTY_ID
    empty = create_repo(admin_api, repo_type)
    assert admin_api.result("get_repo_changeset", repoid=empty, revision="tip")["revision"] == -1


def test_changeset_errors_in_order(admin_api, history, repo_type):
    name, _ids = history[repo_type]
    for revision in (0, 1.5, None, ["tip"]):
        assert admin_api.error("get_repo_changeset", repoid=name, revision=revision) == (
            "commit_id must be a string value"
        )
    assert admin_api.error("get_repo_changeset", repoid=name, revision=0, details="all") == (
        "ret_type must be one of basic,extended,full"
    )
    assert admin_api.error("get_repo_changeset", repoid="nope-x", revision=0,
                           details="x") == "repository `nope-x` does not exist"
    assert admin_api.error("get_repo_changeset", repoid=name) == (
        "Missing non optional `revision` arg in JSON DATA"
    )


def test_private_history_is_hidden(admin_api, live_server, repo_type):
    name = create_repo(admin_api, repo_type, private=True)
    push_commits(live_server, name, repo_type, {"a": "a\n"})
    user = make_user(admin_api)
    message = f"repository `{name}` does not exist"
    assert user.api.error("get_repo_changeset", repoid=name, revision="tip") == message
    assert user.api.error("get_repo_changesets", repoid=name, start_rev="0", limit=1) == message
    assert user.api.error("get_repo_nodes", repoid=name, revision="tip", root_path="") == message
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.read")
    assert user.api.result("get_repo_changeset", repoid=name, revision="tip")["revision"] == 0


# -- get_repo_changesets ---------------------------------------------------------------------------


def test_changesets_by_index_and_id(admin_api, five_commits, repo_type):
    name, ids = five_commits[repo_type]

    def page(**args):
        return [c["raw_id"] for c in admin_api.result("get_repo_changesets", repoid=name, **args)]

    assert page(start_rev="0", limit=2) == ids[:2]
    assert page(start_rev="2", limit=-1) == ids[2:]
    assert page(start_rev="2", limit="-1") == ids[2:]
    assert page(start_rev=ids[3], limit=10) == ids[3:]
    assert page(start_rev=ids[1][:12], limit="2") == ids[1:3]
    assert page(start_rev="0", limit=0) == []
    assert page(start_rev="4", limit=5) == ids[4:]
    full = admin_api.result("get_repo_changesets", repoid=name, start_rev="3", limit=1,
                            details="extended")
    assert [c["revision"] for c in full] == [3]
    assert full[0]["diff"][0]["filename"] == "n.txt"
    assert set(full[0]) == COMMIT_KEYS


def test_changesets_errors(admin_api, five_commits, repo_type):
    name, _ids = five_commits[repo_type]
    assert admin_api.error("get_repo_changesets", repoid=name, start_rev=0, limit=1) == (
        "commit_id must be a string value"
    )
    assert admin_api.error("get_repo_changesets", repoid=name, start_rev=0, limit=1,
                           details="nope") == "ret_type must be one of basic,extended,full"
    assert admin_api.error("get_repo_changesets", repoid=name, start_rev="f" * 40,
                           limit=1) == "Error occurred during commit fetching"
    assert admin_api.error("get_repo_changesets", repoid=name, start_rev="0") == (
        "Missing non optional `limit` arg in JSON DATA"
    )
    empty = create_repo(admin_api, repo_type)
    assert admin_api.result("get_repo_changesets", repoid=empty, start_rev="0", limit=5) == []


# -- get_repo_nodes --------------------------------------------------------------------------------


def nodes(api, name, **args):
    return api.result("get_repo_nodes", repoid=name, **args)


def test_nodes_of_the_whole_tree(admin_api, history, repo_type):
    name, ids = history[repo_type]
    listed = nodes(admin_api, name, revision=ids[0], root_path="/")
    assert [n["name"] for n in listed if n["type"] == "dir"] == DIRS
    assert [n["name"] for n in listed if n["type"] == "file"] == FILES
    assert [n["type"] for n in listed] == ["dir"] * len(DIRS) + ["file"] * len(FILES)
    assert nodes(admin_api, name, revision=ids[0], root_path="") == listed
    by_name = {n["name"]: n for n in listed}
    assert by_name["docs/deep"] == {"name": "docs/deep", "type": "dir", "md5": None,
                                    "binary": None, "size": None, "extension": None}
    readme = sample_tree()["README.rst"].encode()
    assert by_name["README.rst"] == {
        "name": "README.rst", "type": "file", "md5": hashlib.md5(readme).hexdigest(),
        "binary": False, "size": len(readme), "extension": "rst",
        "mimetype": by_name["README.rst"]["mimetype"], "lines": 4,
    }
    assert by_name["README.rst"]["mimetype"].startswith("text/")
    logo = by_name["logo.bin"]
    assert (logo["binary"], logo["size"], logo["extension"]) == (True, len(BINARY_BYTES), "bin")
    assert logo["md5"] == hashlib.md5(BINARY_BYTES).hexdigest()
    assert set(logo) == FILE_KEYS

    tip = nodes(admin_api, name, revision="tip", root_path="/")
    assert "docs/api.rst" not in [n["name"] for n in tip] and "new.txt" in [n["name"] for n in tip]


def test_nodes_of_a_subdirectory(admin_api, history, repo_type):
    name, ids = history[repo_type]
    expected = ["docs/deep", "docs/deep/nested", "docs/api.rst", "docs/deep/nested/leaf.txt"]
    for root in ("docs", "/docs/", "docs/"):
        assert [n["name"] for n in nodes(admin_api, name, revision=ids[0], root_path=root)] == (
            expected
        )
    assert [n["name"] for n in nodes(admin_api, name, revision=ids[0], root_path="docs",
                                     ret_type="files")] == expected[2:]
    assert [n["name"] for n in nodes(admin_api, name, revision=ids[0], root_path="docs",
                                     ret_type="dirs")] == expected[:2]


def test_nodes_ret_type(admin_api, history, repo_type):
    name, ids = history[repo_type]
    files = nodes(admin_api, name, revision=ids[0], root_path="", ret_type="files")
    assert [n["name"] for n in files] == FILES
    dirs = nodes(admin_api, name, revision=ids[0], root_path="", ret_type="dirs")
    assert [n["name"] for n in dirs] == DIRS
    assert all(set(n) == DIR_KEYS for n in dirs)


def test_nodes_full_details(admin_api, history, repo_type):
    name, ids = history[repo_type]
    listed = nodes(admin_api, name, revision=ids[0], root_path="", details="full")
    by_name = {n["name"]: n for n in listed}
    assert by_name["README.rst"]["content"] == sample_tree()["README.rst"]
    assert by_name["logo.bin"]["content"] is None
    assert by_name["docs"]["content"] is None
    assert set(by_name["docs"]) == DIR_KEYS | {"content"}
    assert set(by_name["src/main.py"]) == FILE_KEYS | {"content"}

    limited = nodes(admin_api, name, revision=ids[0], root_path="", details="full",
                    max_file_bytes="5")
    by_name = {n["name"]: n for n in limited}
    assert by_name["README.rst"]["content"] is None  # larger than 5 bytes
    assert by_name["docs/api.rst"]["content"] == "API\n"  # 4 bytes
    assert by_name["README.rst"]["size"] == len(sample_tree()["README.rst"])


def test_nodes_errors_in_order(admin_api, history, repo_type):
    name, ids = history[repo_type]
    failed = f"failed to get repo: `{name}` nodes"
    for root in ("../", "..", "docs/../..", "no/such/dir", "README.rst", "docs/api.rst"):
        assert admin_api.error("get_repo_nodes", repoid=name, revision=ids[0],
                               root_path=root) == failed
    assert admin_api.error("get_repo_nodes", repoid=name, revision="f" * 40,
                           root_path="") == failed
    assert admin_api.error("get_repo_nodes", repoid=name, revision=ids[0], root_path="",
                           ret_type="links") == "ret_type must be one of all,dirs,files"
    # A path failure is reported before a bad ret_type, a bad `details` before both.
    assert admin_api.error("get_repo_nodes", repoid=name, revision=ids[0], root_path="../",
                           ret_type="links") == failed
    assert admin_api.error("get_repo_nodes", repoid=name, revision=ids[0], root_path="../",
                           details="extended") == "ret_type must be one of basic,full"
    assert admin_api.error("get_repo_nodes", repoid="nope-x", revision="tip", root_path="",
                           details="bad") == "repository `nope-x` does not exist"


def test_nodes_of_an_empty_repository(admin_api, repo_type):
    empty = create_repo(admin_api, repo_type)
    assert nodes(admin_api, empty, revision="tip", root_path="/") == []
    # No further checks on an empty repository, not even ret_type.
    assert nodes(admin_api, empty, revision="x", root_path="../", ret_type="bad") == []
    assert admin_api.error("get_repo_nodes", repoid=empty, revision="tip", root_path="",
                           details="bad") == "ret_type must be one of basic,full"


def test_nodes_legacy_repo_name_argument(admin_api, history, repo_type):
    name, ids = history[repo_type]
    listed = admin_api.result("get_repo_nodes", repo_name=name, revision=ids[0], root_path="src")
    assert [n["name"] for n in listed] == ["src/main.py"]
