"""Kallithea 0.7's own command-line client, ``kallithea-api``, against the live server: twenty-odd
representative calls, as its users type them (every value a string, ``key:value``).

Kallithea 0.7 installs on Python 3.8/3.9 only, in a virtual environment of its own. The test
looks for the client in ``$VCSHUB_KALLITHEA_API``, then ``.kallithea-venv/bin/kallithea-api`` at
the checkout's root, then on ``PATH``; it is skipped, saying how to install it, when none is
found. Installing it (its FormEncode needs an old setuptools)::

    python3.9 -m venv .kallithea-venv
    .kallithea-venv/bin/pip install 'setuptools<58' wheel
    .kallithea-venv/bin/pip install --no-build-isolation 'kallithea==0.7.0'
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import unique
from tests.factories.api import create_repo, hosted_folder
from tests.factories.commits import WorkingCopy, make_source_repository

ROOT = Path(__file__).resolve().parents[2]


def _client() -> str | None:
    candidates = [os.environ.get("VCSHUB_KALLITHEA_API"),
                  str(ROOT / ".kallithea-venv" / "bin" / "kallithea-api"),
                  shutil.which("kallithea-api")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


CLIENT = _client()
pytestmark = pytest.mark.skipif(
    CLIENT is None,
    reason="Kallithea 0.7's kallithea-api is not installed (it needs Python 3.8/3.9): make "
    ".kallithea-venv at the checkout's root as this module's docstring says, or set "
    "VCSHUB_KALLITHEA_API to the script",
)


class Kallithea:
    """Runs ``kallithea-api --format=json`` as one user; the printed result, or the error."""

    def __init__(self, url: str, token: str, home: Path) -> None:
        self.url, self.token, self.home = url, token, home

    def _run(self, method: str, args: dict) -> str:
        command = [CLIENT, f"--apikey={self.token}", f"--apihost={self.url}", "--format=json",
                   method, *(f"{k}:{v}" for k, v in args.items())]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "HOME": str(self.home)})
        assert done.returncode == 0, done.stderr
        return done.stdout

    def result(self, method: str, **args):
        printed = json.loads(self._run(method, args))
        assert not (isinstance(printed, str) and "does not exist" in printed), printed
        return printed

    def error(self, method: str, **args) -> str:
        return json.loads(self._run(method, args))


@pytest.fixture
def kallithea(live_server, tmp_path):
    return Kallithea(live_server.url, live_server.admin_token, tmp_path)


def test_kallithea_api_client_drives_the_server(kallithea, admin_api, live_server, tmp_path):
    k = kallithea
    assert "server_ip_addr" in k.result("get_ip")
    assert "py_version" in k.result("get_server_info")

    username = unique("kuser")
    made = k.result("create_user", username=username, email=f"{username}@example.com",
                    password="secret-pw", firstname="Kal")
    assert made["user"]["username"] == username
    assert k.result("get_user", userid=username)["firstname"] == "Kal"
    assert username in [u["username"] for u in k.result("get_users")]
    group = unique("kugroup")
    k.result("create_user_group", group_name=group)
    k.result("add_user_to_user_group", usergroupid=group, userid=username)
    assert [u["username"] for u in k.result("get_user_group", usergroupid=group)["users"]] == [
        username
    ]

    repo_group = unique("kgroup")
    k.result("create_repo_group", group_name=repo_group)
    assert k.result("create_repo_group", group_name="inner", parent=repo_group)[
        "repo_group"]["group_name"] == f"{repo_group}/inner"
    name = f"{repo_group}/{unique('krepo')}"
    assert k.result("create_repo", repo_name=name, repo_type="git", private="true")["success"]
    assert k.result("get_repo", repoid=name)["private"] is True
    assert name in [r["repo_name"] for r in k.result("get_repos")]
    k.result("grant_user_permission", repoid=name, userid=username, perm="repository.write")
    k.result("grant_user_group_permission", repoid=name, usergroupid=group,
             perm="repository.read")
    updated = k.result("update_repo", repoid=name, description="via kallithea-api")
    assert updated["repository"]["description"] == "via kallithea-api"

    # Commits arrive with Kallithea's pull(clone_uri).
    upstream, ids = make_source_repository(tmp_path / "upstream", "git", {"a.txt": "a\n"})
    upstream.git("branch", "-M", "master")
    ids.append(upstream.commit({"b.txt": "b\n"}, "second"))
    assert k.result("pull", repoid=name, clone_uri=str(upstream.path))["repository"] == name
    listed = k.result("get_changesets", repoid=name, with_file_list="true")
    assert [c["raw_id"] for c in listed] == ids and listed[1]["added"] == ["b.txt"]
    assert k.result("get_changeset", repoid=name, raw_id=ids[1])["author"]["name"]
    nodes = k.result("get_repo_nodes", repoid=name, revision="tip", root_path="/")
    assert {n["name"] for n in nodes} == {"a.txt", "b.txt"}

    # A pull request, reviewed with Kallithea's method names.
    work = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "work", "git")
    work.commit({"c.txt": "c\n"}, "feature", branch="feature")
    work.push("feature")
    prid = admin_api.result(
        "create_pull_request", source_repo=name, target_repo=name, source_ref="branch:feature",
        target_ref="branch:master", title="from the client test",
    )["pull_request_id"]
    assert k.result("edit_reviewers", pull_request_id=prid, add=username) == {
        "added": [username], "already_present": [], "removed": [],
    }
    assert k.result("comment_pullrequest", pull_request_id=prid, comment_msg="fine",
                    status="approved") is True
    pr = k.result("get_pullrequest", pullrequest_id=prid)
    assert pr["reviewers"] == [{"username": username}]
    assert [c["text"] for c in pr["comments"]] == ["fine"]

    assert k.result("lock", repoid=name, locked="true")["locked"] is True
    assert k.result("lock", repoid=name, locked="false")["locked"] is False
    k.result("revoke_user_permission", repoid=name, userid=username)
    assert k.error("get_repo", repoid="no/such/repo") == "repository `no/such/repo` does not exist"
    assert k.result("delete_repo", repoid=name)["success"] is True
    assert k.error("get_changesets", repoid=name) == f"repository `{name}` does not exist"


def test_kallithea_api_client_sees_errors_as_kallithea_prints_them(kallithea, admin_api):
    empty = create_repo(admin_api, "hg")
    assert kallithea.error("get_changesets", repoid=empty) == "Repository is empty"
    assert kallithea.error("no_such_method") == "No such method: no_such_method"
