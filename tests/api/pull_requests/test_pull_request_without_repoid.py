"""Today's clients leave ``repoid`` out of the pull-request methods (RhodeCode 4.12+ made it
optional): the pull request's target repository is used, and every rule is judged on it
(REFERENCE.md 5). A ``repoid`` naming another repository answers as a missing pull request.
"""

from __future__ import annotations

import pytest

from tests.api.pull_requests.workflow import MAIN, get_pr, open_pr, push_to
from tests.factories import make_user, unique

METHODS = ["get_pull_request", "merge_pull_request", "close_pull_request",
           "update_pull_request", "comment_pull_request"]


def _args(method: str) -> dict:
    return {"message": "hi"} if method == "comment_pull_request" else {}


def test_every_method_works_without_repoid(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    author = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=author.username,
                     perm="repository.write")
    prid = open_pr(author.api, name, kind)

    pr = author.api.result("get_pull_request", pullrequestid=prid)
    assert pr == get_pr(author.api, name, prid)
    assert pr["target"]["repository"] == name
    commented = author.api.result("comment_pull_request", pullrequestid=prid, message="looks fine")
    assert commented["pull_request_id"] == prid and commented["status"] is None
    updated = author.api.result("update_pull_request", pullrequestid=str(prid), title="renamed")
    assert updated["pull_request"]["title"] == "renamed"
    merged = author.api.result("merge_pull_request", pullrequestid=prid)
    assert merged["executed"] is True and merged["failure_reason"] == 0
    assert author.api.result("get_pull_request", pullrequestid=prid, repoid=None)["status"] == "closed"

    push_to(work, kind, "second", {"g.txt": "more\n"}, "second")
    other = open_pr(author.api, name, kind, branch="second")
    assert author.api.result("close_pull_request", pullrequestid=other) == {
        "pull_request_id": other, "closed": True,
    }
    assert author.api.error("close_pull_request", pullrequestid=other) == (
        f"pull request `{other}` is already closed"
    )


def test_rules_are_judged_on_the_target_repository(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    prid = open_pr(admin_api, name, kind)
    reader = make_user(admin_api)
    # Public repository: a reader may read and comment, not merge, update or close.
    assert reader.api.result("get_pull_request", pullrequestid=prid)["pull_request_id"] == prid
    assert reader.api.error("merge_pull_request", pullrequestid=prid) == (
        f"repository `{name}` does not exist"
    )
    assert reader.api.error("update_pull_request", pullrequestid=prid, title="x") == (
        f"pull request `{prid}` update failed, no permission to update."
    )
    assert reader.api.error("close_pull_request", pullrequestid=prid) == (
        f"pull request `{prid}` close failed, no permission to close."
    )
    # A vote of someone who may not vote is ignored; the status is echoed (4.6).
    voted = reader.api.result("comment_pull_request", pullrequestid=prid, status="approved",
                              message="+1")
    assert voted["status"] == "approved"
    assert get_pr(admin_api, name, prid)["review_status"] == "under_review"
    # Impersonation is judged on the target too.
    assert reader.api.error("comment_pull_request", pullrequestid=prid, message="x",
                            userid="admin") == "userid is not the same as your user"
    assert reader.api.error("get_pull_request", pullrequestid="x") == (
        "pullrequestid must be an integer"
    )
    assert reader.api.error("get_pull_request", pullrequestid=10**6) == (
        f"pull request `{10**6}` does not exist"
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_private_target_answers_as_a_missing_pull_request(admin_api, project, kind, method):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    prid = open_pr(admin_api, name, kind)
    admin_api.result("update_repo", repoid=name, private=True)
    outsider = make_user(admin_api)
    for ident in (prid, 10**6):
        assert outsider.api.error(method, pullrequestid=ident, **_args(method)) == (
            f"pull request `{ident}` does not exist"
        )
    assert get_pr(admin_api, name, prid)["status"] == "new"


@pytest.mark.parametrize("method", METHODS)
def test_a_repoid_of_another_repository_is_a_missing_pull_request(admin_api, project, kind,
                                                                   method):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    prid = open_pr(admin_api, name, kind)
    elsewhere = unique("elsewhere")
    admin_api.result("create_repo", repo_name=elsewhere, repo_type=kind)
    assert admin_api.error(method, repoid=elsewhere, pullrequestid=prid, **_args(method)) == (
        f"pull request `{prid}` does not exist"
    )
    assert get_pr(admin_api, name, prid)["status"] == "new"


def test_close_with_a_message_returns_the_vote_label(admin_api, project, kind):
    """RC-later: the closing comment carries the closer's vote, ``rejected`` by default."""
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    first = open_pr(admin_api, name, kind)
    assert admin_api.result("close_pull_request", pullrequestid=first, message="not now") == {
        "pull_request_id": first, "closed": True, "close_status": "Rejected",
    }
    pr = get_pr(admin_api, name, first)
    assert pr["status"] == "closed"
    push_to(work, kind, "second", {"g.txt": "g\n"}, "second")
    second = open_pr(admin_api, name, kind, branch="second")
    closed = admin_api.result("close_pull_request", repoid=name, pullrequestid=second,
                              message="done elsewhere", status="approved")
    assert closed == {"pull_request_id": second, "closed": True, "close_status": "Approved"}
    assert MAIN[kind] in get_pr(admin_api, name, second)["target"]["reference"]["name"]
