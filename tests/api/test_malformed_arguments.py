"""The malformed requests of issue 14, defect 17, each answered with a clear error or as the
contract says, never "Internal server error" and never a traceback in the server log."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder
from tests.factories.commits import WorkingCopy

@pytest.fixture
def server_log(live_server):
    """The server log written during the test; the test reads it with ``new_text()``."""
    log = Path(live_server.data_dir) / "server.log"

    class Log:
        start = log.stat().st_size

        def new_text(self) -> str:
            with log.open("rb") as f:
                f.seek(self.start)
                return f.read().decode("utf-8", "replace")

    return Log()


@pytest.fixture(scope="module")
def pull_request(admin_api, live_server, tmp_path_factory):
    name = unique("malformed")
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    work = WorkingCopy.clone(hosted_folder(live_server, name),
                             tmp_path_factory.mktemp("malformed") / "w", "git")
    work.git("checkout", "--quiet", "-b", "master")
    work.commit({"a.txt": "one\n"}, "base")
    work.push("master")
    work.commit({"a.txt": "one\ntwo\n"}, "feature", branch="feature")
    work.push("feature")
    created = admin_api.result(
        "create_pull_request", source_repo=name, target_repo=name, source_ref="branch:feature",
        target_ref="branch:master", title="malformed",
    )
    return name, created["pull_request_id"]


def test_documents_nested_too_deep_are_refused_when_parsed(live_server, server_log):
    token = json.dumps(live_server.admin_token)
    for depth in (513, 1000):
        deep = "[" * depth + "]" * depth
        for body in (f'{{"id": {deep}, "auth_token": {token}, "method": "get_user", "args": {{}}}}',
                     f'{{"id": 1, "auth_token": {token}, "method": "get_user", '
                     f'"args": {{"userid": {deep}}}}}',
                     f'{{"id": 1, "auth_token": {token}, "method": "create_user", '
                     f'"args": {{"username": {deep}, "email": {deep}}}}}'):
            reply = httpx.post(live_server.api_url, content=body.encode(), timeout=60).json()
            assert reply["id"] is None and reply["result"] is None
            assert reply["error"].startswith(
                "JSON parse error ERR:JSON nested deeper than 512 levels RAW:"
            )
    # Up to the limit, any argument of any kind is answered as usual.
    deep = "[" * 510 + "]" * 510  # 512 levels with the document and its args
    body = (f'{{"id": 1, "auth_token": {token}, "method": "create_user", '
            f'"args": {{"username": {deep}, "email": {deep}}}}}')
    reply = httpx.post(live_server.api_url, content=body.encode(), timeout=60).json()
    assert reply["error"] == f"failed to create user `{'[' * 510}{']' * 510}`"
    body = (f'{{"id": 1, "auth_token": {token}, "method": "get_repo_changesets", '
            f'"args": {{"repoid": {deep}, "start_rev": {deep}, "limit": {deep}}}}}')
    reply = httpx.post(live_server.api_url, content=body.encode(), timeout=60).json()
    assert reply["error"] == "limit must be an integer"
    assert "Traceback" not in server_log.new_text()


def test_pull_request_status_filter_is_one_of_three(admin_api, pull_request, server_log):
    name, _ = pull_request
    for status in (["a"], {"a": 1}, 5, None, "merged", "a\x00"):
        assert admin_api.error("get_pull_requests", repoid=name, status=status) == (
            f"status must be one of ['new', 'open', 'closed'], got {status!r}"
        )
    assert len(admin_api.result("get_pull_requests", repoid=name, status="new")) == 1
    assert "Traceback" not in server_log.new_text()


@pytest.mark.parametrize("value", [2**63, 1.5, True, ["a"], {"a": "b"}])
def test_text_arguments_take_text_only(admin_api, pull_request, value, server_log):
    """A number, list or object where text is expected: a clear error (or the method's one
    failure text, REFERENCE.md 4.x), stored nowhere."""
    name, pr_id = pull_request
    assert admin_api.error("update_pull_request", repoid=name, pullrequestid=pr_id,
                           title=value) == "invalid `title`: a string is expected"
    assert admin_api.error("comment_pull_request", repoid=name, pullrequestid=pr_id,
                           message="m", f_path=value) == "invalid `f_path`: a string is expected"
    repo_name = unique("described")
    assert admin_api.error("create_repo", repo_name=repo_name, repo_type="git",
                           description=value) == f"failed to create repository `{repo_name}`"
    assert admin_api.error("get_repo", repoid=repo_name) == (
        f"repository `{repo_name}` does not exist"
    )
    pr = admin_api.result("get_pull_request", repoid=name, pullrequestid=pr_id)
    assert pr["title"] == "malformed"
    assert "Traceback" not in server_log.new_text()


@pytest.mark.parametrize("limit", [1.5, "1.5", None, [1], "ten"])
def test_limit_that_is_not_an_integer(admin_api, pull_request, limit, server_log):
    name, _ = pull_request
    assert admin_api.error("get_repo_changesets", repoid=name, start_rev="0",
                           limit=limit) == "limit must be an integer"
    assert "Traceback" not in server_log.new_text()


@pytest.mark.parametrize(
    "method, target",
    [("grant_user_permission_to_repo_group", {"repogroupid": "GROUP", "userid": "USER"}),
     ("grant_user_group_permission_to_repo_group",
      {"repogroupid": "GROUP", "usergroupid": "USERGROUP"}),
     ("grant_user_permission_to_user_group", {"usergroupid": "USERGROUP", "userid": "USER"}),
     ("grant_user_group_permission_to_user_group",
      {"usergroupid": "USERGROUP", "sourceusergroupid": "USERGROUP2"})],
)
def test_grants_with_null_permission_are_refused(admin_api, method, target, server_log):
    names = {"GROUP": unique("perm-null-rg"), "USERGROUP": unique("perm-null-ug"),
             "USERGROUP2": unique("perm-null-ug"), "USER": make_user(admin_api).username}
    admin_api.result("create_repo_group", group_name=names["GROUP"])
    admin_api.result("create_user_group", group_name=names["USERGROUP"])
    admin_api.result("create_user_group", group_name=names["USERGROUP2"])
    args = {key: names[value] for key, value in target.items()}
    assert admin_api.error(method, **args, perm=None) == "permission `None` does not exist"
    assert "Traceback" not in server_log.new_text()


@pytest.mark.parametrize(
    "method, args",
    [("create_user", {"username": "nul\x00user", "email": "nul@example.com"}),
     ("create_user", {"username": unique("nul"), "email": "n@example.com",
                      "firstname": "a\x00b"}),
     ("create_repo", {"repo_name": unique("nulrepo"), "repo_type": "git",
                      "description": "a\x00b"}),
     ("create_user_group", {"group_name": unique("nulug"), "description": "\x00"}),
     ("create_repo_group", {"group_name": "nul\x00group"}),
     ("create_gist", {"files": {"a.txt": {"content": "x"}}, "description": "a\x00"})],
)
def test_nul_characters_are_refused(admin_api, method, args, server_log):
    """PostgreSQL cannot store NUL; SQLite refuses it too, so both answer alike."""
    assert admin_api.error(method, **args).startswith("failed to create")
    assert "Traceback" not in server_log.new_text()


def test_nul_in_pull_request_text_is_refused(admin_api, pull_request, server_log):
    name, pr_id = pull_request
    refused = "invalid `{}`: NUL characters are not allowed"
    assert admin_api.error("update_pull_request", repoid=name, pullrequestid=pr_id,
                           description="a\x00b") == refused.format("description")
    assert admin_api.error("comment_pull_request", repoid=name, pullrequestid=pr_id,
                           message="\x00") == refused.format("message")
    assert "Traceback" not in server_log.new_text()


def test_expected_refusals_log_no_traceback(admin_api, server_log):
    owner = make_user(admin_api)
    admin_api.result("create_user_group", group_name=unique("owned"), owner=owner.username)
    assert admin_api.error("delete_user", userid=owner.user_id) == (
        f"failed to delete user ID:{owner.user_id} {owner.username}"
    )
    assert "Traceback" not in server_log.new_text()
