"""Later RhodeCode's repository reads (REFERENCE.md 5): get_repo_refs, get_repo_file,
get_repo_fts_tree, get_repo_store — for Git and Mercurial."""

from __future__ import annotations

import hashlib

import pytest

from tests.factories import make_user, unique
from tests.factories.api import REPO_TYPES, create_repo, hosted_folder, push_commits
from tests.factories.commits import BINARY_BYTES, WorkingCopy, sample_tree

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)

README = "Readme\n======\n\nline 4\n"


@pytest.fixture(scope="module")
def tree(admin_api, live_server):
    """Per repository type: a repository holding the sample tree in one commit."""
    made = {}
    for repo_type in REPO_TYPES:
        name = create_repo(admin_api, repo_type)
        made[repo_type] = (name, push_commits(live_server, name, repo_type, sample_tree())[0])
    return made


def _private_copy(admin_api, repo_type: str) -> tuple[str, object]:
    name = create_repo(admin_api, repo_type, private=True)
    return name, make_user(admin_api)


# -- get_repo_refs ---------------------------------------------------------------------------------


def test_repo_refs(admin_api, live_server, repo_type, tmp_path):
    name = create_repo(admin_api, repo_type)
    empty = admin_api.result("get_repo_refs", repoid=name)
    assert empty == {"bookmarks": {}, "branches": {}, "branches_closed": {}, "tags": {}}
    work = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "w", repo_type)
    if repo_type == "git":
        work.git("checkout", "--quiet", "-b", "master")
        main = work.commit({"a.txt": "a\n"}, "first")
        work.git("tag", "v1")
        side = work.commit({"b.txt": "b\n"}, "side", branch="side")
        work.git("push", "--quiet", "origin", "master", "side", "v1")
        expected = {"bookmarks": {}, "branches": {"master": main, "side": side},
                    "branches_closed": {}, "tags": {"v1": main}}
    else:
        first = work.commit({"a.txt": "a\n"}, "first")
        work.hg("tag", "-r", first, "v1")
        main = work.tip()  # the commit that adds .hgtags
        work.hg("bookmark", "-r", first, "mark")
        work.commit({"b.txt": "b\n"}, "side", branch="side")
        work.hg("commit", "--close-branch", "-m", "close side")
        closed = work.tip()
        # -B alone would push only the bookmark's ancestors
        work.hg("push", "--new-branch", "--quiet", "-r", "default", "-r", "side", "-B", "mark")
        expected = {"bookmarks": {"mark": first}, "branches": {"default": main},
                    "branches_closed": {"side": closed},
                    "tags": {"v1": first, "tip": closed}}
    refs = admin_api.result("get_repo_refs", repoid=name)
    if repo_type == "hg":
        refs["tags"].pop("tip", None)
        expected["tags"].pop("tip")
    assert refs == expected
    private, outsider = _private_copy(admin_api, repo_type)
    assert outsider.api.error("get_repo_refs", repoid=private) == (
        f"repository `{private}` does not exist"
    )
    assert admin_api.error("get_repo_refs", repoid="no-such-repo") == (
        "repository `no-such-repo` does not exist"
    )


# -- get_repo_file ---------------------------------------------------------------------------------


def test_repo_file_details(admin_api, tree, repo_type):
    name, commit = tree[repo_type]
    basic = admin_api.result("get_repo_file", repoid=name, commit_id=commit, file_path="README.rst")
    assert basic == {
        "name": "README.rst", "type": "file", "md5": hashlib.md5(README.encode()).hexdigest(),
        "binary": False, "size": len(README), "extension": "rst", "mimetype": basic["mimetype"],
        "lines": 4,
    }
    full = admin_api.result("get_repo_file", repoid=name, commit_id="tip",
                            file_path="/README.rst", details="full")
    assert full == {**basic, "content": README}
    assert admin_api.result("get_repo_file", repoid=name, commit_id=commit,
                            file_path="docs/deep/nested/leaf.txt", details="minimal") == {
        "name": "docs/deep/nested/leaf.txt", "type": "file",
    }
    assert admin_api.result("get_repo_file", repoid=name, commit_id=commit,
                            file_path="src/main.py", details="minimal+search") == {
        "name": "src/main.py", "type": "file", "binary": False, "size": 15,
        "content": "print('hello')\n",
    }
    binary = admin_api.result("get_repo_file", repoid=name, commit_id=commit,
                              file_path="logo.bin", details="full")
    assert binary["binary"] is True and binary["content"] is None
    assert binary["size"] == len(BINARY_BYTES)
    assert binary["md5"] == hashlib.md5(BINARY_BYTES).hexdigest()
    # max_file_bytes: larger text is left out, the facts stay.
    capped = admin_api.result("get_repo_file", repoid=name, commit_id=commit,
                              file_path="README.rst", details="full", max_file_bytes="5")
    assert capped["content"] is None and capped["size"] == len(README)
    assert admin_api.result("get_repo_file", repoid=name, commit_id=commit,
                            file_path="README.rst", details="full",
                            max_file_bytes=len(README), cache=False)["content"] == README


def test_repo_file_errors(admin_api, tree, repo_type):
    name, commit = tree[repo_type]
    assert admin_api.error("get_repo_file", repoid=name, commit_id=commit, file_path="nope.txt") == (
        f"There is no file in repo: `{name}` at path `nope.txt` for commit: `{commit}`"
    )
    for commit_id, path in ((commit, "docs"), ("f" * 40, "README.rst")):
        assert admin_api.error("get_repo_file", repoid=name, commit_id=commit_id,
                               file_path=path) == (
            f"failed to get repo: `{name}` file at path {path}"
        )
    assert admin_api.error("get_repo_file", repoid=name, commit_id=commit, file_path="README.rst",
                           details="huge") == (
        "ret_type must be one of minimal,minimal+search,basic,full, got huge"
    )
    assert admin_api.error("get_repo_file", repoid=name, commit_id=commit,
                           file_path="README.rst", max_file_bytes="many").startswith(
        "max_file_bytes"
    )
    empty = create_repo(admin_api, repo_type)
    assert admin_api.result("get_repo_file", repoid=empty, commit_id="tip",
                            file_path="README.rst") is None
    private, outsider = _private_copy(admin_api, repo_type)
    assert outsider.api.error("get_repo_file", repoid=private, commit_id="tip",
                              file_path="README.rst") == f"repository `{private}` does not exist"
    reader = make_user(admin_api)
    assert reader.api.result("get_repo_file", repoid=name, commit_id=commit,
                             file_path="README.rst", details="minimal")["type"] == "file"


# -- get_repo_fts_tree -----------------------------------------------------------------------------


def test_repo_fts_tree(admin_api, tree, repo_type):
    name, commit = tree[repo_type]
    files = admin_api.result("get_repo_fts_tree", repoid=name, commit_id=commit, root_path="/")
    assert [f["name"] for f in files] == sorted(sample_tree())
    readme = next(f for f in files if f["name"] == "README.rst")
    assert readme == {"name": "README.rst", "md5": hashlib.md5(README.encode()).hexdigest(),
                      "extension": "rst", "binary": False, "size": len(README)}
    assert next(f for f in files if f["name"] == "logo.bin")["binary"] is True
    docs = admin_api.result("get_repo_fts_tree", repoid=name, commit_id="tip", root_path="docs")
    assert [f["name"] for f in docs] == ["docs/api.rst", "docs/deep/nested/leaf.txt"]
    for commit_id, root in (("f" * 40, ""), (commit, "README.rst"), (commit, "missing")):
        assert admin_api.error("get_repo_fts_tree", repoid=name, commit_id=commit_id,
                               root_path=root) == f"failed to get repo: `{name}` nodes"
    empty = create_repo(admin_api, repo_type)
    assert admin_api.result("get_repo_fts_tree", repoid=empty, commit_id="tip",
                            root_path="") == []
    private, outsider = _private_copy(admin_api, repo_type)
    assert outsider.api.error("get_repo_fts_tree", repoid=private, commit_id="tip",
                              root_path="") == f"repository `{private}` does not exist"


# -- get_repo_store --------------------------------------------------------------------------------


def test_repo_store(admin_api, live_server, repo_type):
    assert admin_api.result("get_repo_store") == {
        "path": str((live_server.data_dir / "repos").resolve())
    }
    user = make_user(admin_api, username=unique(f"store-{repo_type}"))
    assert user.api.error("get_repo_store") == "Access was denied to this resource."
