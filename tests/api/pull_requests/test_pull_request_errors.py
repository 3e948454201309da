"""Pull-request and commit-comment edge cases: error order, private repositories, closing
comments, reviewer objects, repositories of different kinds."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.api.pull_requests.workflow import open_pr, push_to


@pytest.mark.parametrize("method", ["get_pull_request", "merge_pull_request", "close_pull_request",
                                    "update_pull_request", "comment_pull_request"])
def test_unknown_repository_is_reported_before_a_bad_id(admin_api, method):
    assert admin_api.error(method, repoid="no-such-repo", pullrequestid="x") == (
        "repository `no-such-repo` does not exist"
    )


def test_bad_and_impossible_ids(admin_api, project, kind):
    name, _work = project
    assert admin_api.error("get_pull_request", repoid=name, pullrequestid="x") == (
        "pullrequestid must be an integer"
    )
    for ident in (2**40, -3):
        assert admin_api.error("get_pull_request", repoid=name, pullrequestid=ident) == (
            f"pull request `{ident}` does not exist"
        )


def test_comment_commit_does_not_reveal_private_repositories(admin_api, project, kind):
    name, _work = project
    admin_api.result("update_repo", repoid=name, private=True)
    outsider = make_user(admin_api)
    tip = "tip"
    for repoid in (name, unique("missing")):
        error = outsider.api.error(
            "comment_commit", repoid=repoid, commit_id=tip, message="hi", userid=outsider.username
        )
        assert error == f"repository `{repoid}` does not exist"


def test_comment_commit_failure_names_the_repository(admin_api, project, kind):
    name, _work = project
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    for commit_id, message in (("0" * 40, "hi"), ("tip", "")):
        error = admin_api.error("comment_commit", repoid=repo_id, commit_id=commit_id, message=message)
        assert error == f"failed to set comment on repository `{name}`"


def test_close_with_a_message_and_a_vote(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    prid = open_pr(admin_api, name, kind)
    assert admin_api.error(
        "close_pull_request", repoid=name, pullrequestid=prid, status="maybe"
    ) == "unknown comment status`maybe`"
    closed = admin_api.result(
        "close_pull_request", repoid=name, pullrequestid=prid, message="not needed", status="rejected"
    )
    assert closed["pull_request_id"] == prid and closed["closed"] is True
    assert closed["close_status"] == "Rejected" and "closing_commit_id" not in closed
    pr = admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)
    assert pr["status"] == "closed"
    # The plain RC4 call keeps the RC4 result.
    push_to(work, kind, "feature", {"g.txt": "y\n"}, "other")
    second = open_pr(admin_api, name, kind)
    assert admin_api.result("close_pull_request", repoid=name, pullrequestid=second) == {
        "pull_request_id": second, "closed": True,
    }


def test_reviewers_as_objects_with_reasons(admin_api, project, kind):
    name, work = project
    one, two = make_user(admin_api), make_user(admin_api)
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    prid = open_pr(admin_api, name, kind, reviewers=[
        {"username": one.username, "reasons": ["owner of f.txt"]}, two.user_id,
    ])
    pr = admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)
    assert {r["user"]["username"]: r["reasons"] for r in pr["reviewers"]} == {
        one.username: ["owner of f.txt"], two.username: [],
    }
    # a reviewer list given again keeps each reviewer's reasons, and new objects bring theirs
    three = make_user(admin_api)
    admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, reviewers=[
        one.username, {"username": three.username, "reasons": ["knows the code"]},
    ])
    pr = admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)
    assert {r["user"]["username"]: r["reasons"] for r in pr["reviewers"]} == {
        one.username: ["owner of f.txt"], three.username: ["knows the code"],
    }
    assert admin_api.error("update_pull_request", repoid=name, pullrequestid=prid,
                           reviewers=[{"username": "nobody-like-this"}]) == (
        "user `nobody-like-this` does not exist"
    )


def test_git_and_hg_cannot_be_mixed(admin_api):
    git_name, hg_name = unique("mixg"), unique("mixh")
    admin_api.result("create_repo", repo_name=git_name, repo_type="git")
    admin_api.result("create_repo", repo_name=hg_name, repo_type="hg")
    assert admin_api.error(
        "create_pull_request", source_repo=git_name, target_repo=hg_name,
        source_ref="branch:master", target_ref="branch:default", title="t",
    ) == "source and target repositories must be of the same type"
