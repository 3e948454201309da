"""The life of a pull request on real repositories: push, create, review, update, merge."""

from __future__ import annotations


import pytest

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder
from tests.factories.commits import WorkingCopy, log_ids
from tests.api.pull_requests.workflow import MAIN, back_to_main, push_to

def test_full_life_of_a_pull_request(admin_api, live_server, project, kind, tmp_path):
    name, work = project
    author, reviewer = make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=author.username, perm="repository.write")
    first = push_to(work, kind, "feature", {"feature.txt": "new\n"})

    created = author.api.result(
        "create_pull_request", source_repo=name, target_repo=name,
        source_ref="branch:feature", target_ref=f"branch:{MAIN[kind]}",
        title="Add feature", description="please review", reviewers=[reviewer.username],
    )
    assert created["msg"] == "Created new pull request `Add feature`"
    prid = created["pull_request_id"]
    pr = author.api.result("get_pull_request", repoid=name, pullrequestid=prid)
    assert pr["status"] == "new" and pr["commit_ids"] == [first]
    assert pr["review_status"] == "under_review"
    assert pr["mergeable"] == {"status": True, "message": "This pull request can be automatically merged."}
    assert pr["reviewers"] == [
        {"user": pr["reviewers"][0]["user"], "reasons": [], "review_status": "not_reviewed"}
    ]
    assert pr["source"]["reference"] == {"name": "feature", "type": "branch", "commit_id": first}
    assert pr["url"].endswith(f"/{name}/pull-request/{prid}")

    inline = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=str(prid),
        message="nice line", f_path="feature.txt", line="n1",
    )
    assert inline["status"] is None and inline["comment_id"] > 0
    voted = reviewer.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")
    assert voted["status"] == "approved"
    pr = author.api.result("get_pull_request", repoid=name, pullrequestid=prid)
    assert pr["review_status"] == "approved"
    assert pr["reviewers"][0]["review_status"] == "approved"

    second = push_to(work, kind, "feature", {"feature.txt": "newer\n"}, "more work")
    updated = author.api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits="true")
    assert updated["msg"] == f"Updated pull request `{prid}`"
    assert updated["updated_commits"] == {"added": [second], "common": [first], "removed": []}
    assert set(updated["pull_request"]["commit_ids"]) == {first, second}

    merged = author.api.result("merge_pull_request", repoid=name, pullrequestid=prid)
    assert merged["possible"] is True and merged["executed"] is True and merged["failure_reason"] == 0
    merge_id = merged["merge_commit_id"]
    assert author.api.result("get_pull_request", repoid=name, pullrequestid=prid)["status"] == "closed"
    assert author.api.error("merge_pull_request", repoid=name, pullrequestid=prid) == (
        f"pull request `{prid}` merge failed, pull request is closed"
    )
    # A fresh clone sees the merge on the target branch.
    fresh = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "fresh", kind)
    back_to_main(fresh, kind)
    assert fresh.tip() == merge_id
    assert merge_id in log_ids(hosted_folder(live_server, name), kind)
    changeset = admin_api.result("get_repo_changeset", repoid=name, revision=merge_id)
    assert changeset["message"].startswith(f"Merge pull request #{prid} from {name} feature")
    assert [p["raw_id"] for p in changeset["parents"]][1:] == [second] or kind == "hg"


def test_conflicting_pull_request_refuses_to_merge(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"base.txt": "one\nTWO-feature\nthree\n"})
    back_to_main(work, kind)
    work.commit({"base.txt": "one\nTWO-main\nthree\n"}, "main change")
    work.push("master" if kind == "git" else None)
    before = log_ids(hosted_folder(live_server, name), kind)
    prid = admin_api.result(
        "create_pull_request", source_repo=name, target_repo=name,
        source_ref="branch:feature", target_ref=f"branch:{MAIN[kind]}", title="conflict",
    )["pull_request_id"]
    pr = admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)
    assert pr["mergeable"]["status"] is False
    assert pr["mergeable"]["message"] == "This pull request cannot be merged because of conflicts."
    result = admin_api.result("merge_pull_request", repoid=name, pullrequestid=prid)
    assert result == {"possible": False, "executed": False, "merge_commit_id": None, "failure_reason": 2}
    assert log_ids(hosted_folder(live_server, name), kind) == before
    assert admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)["status"] == "new"


def test_pull_request_from_a_fork(admin_api, live_server, project, kind, tmp_path):
    name, _ = project
    fork = unique("prfork")
    admin_api.result("fork_repo", repoid=name, fork_name=fork)
    work = WorkingCopy.clone(hosted_folder(live_server, fork), tmp_path / "forkwork", kind)
    commit = push_to(work, kind, "feature", {"fork.txt": "from fork\n"})
    prid = admin_api.result(
        "create_pull_request", source_repo=fork, target_repo=name,
        source_ref="branch:feature", target_ref=f"branch:{MAIN[kind]}", title="from fork",
    )["pull_request_id"]
    assert admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)["commit_ids"] == [commit]
    merged = admin_api.result("merge_pull_request", repoid=name, pullrequestid=prid)
    assert merged["executed"] is True
    assert commit in log_ids(hosted_folder(live_server, name), kind)


def test_filters_permissions_and_errors(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    reader, stranger = make_user(admin_api), make_user(admin_api)
    admin_api.result("update_repo", repoid=name, private=True)
    admin_api.result("grant_user_permission", repoid=name, userid=reader.username, perm="repository.read")
    args = dict(source_repo=name, target_repo=name, target_ref=f"branch:{MAIN[kind]}", title="t")
    assert stranger.api.error("create_pull_request", source_ref="branch:feature", **args) == (
        f"repository `{name}` does not exist"
    )
    assert reader.api.error("create_pull_request", source_ref="feature", **args) == (
        "Ref `feature` given in a wrong format. Please check the API documentation for more details"
    )
    assert reader.api.error("create_pull_request", source_ref="branch:nope", **args) == (
        "The specified branch `nope` does not exist"
    )
    assert reader.api.error(
        "create_pull_request", source_ref=f"branch:{MAIN[kind]}", **args
    ) == "no commits found"
    assert reader.api.error(
        "create_pull_request", source_ref="branch:feature", reviewers="bob", **args
    ) == "reviewers should be specified as a list"
    prid = reader.api.result("create_pull_request", source_ref="branch:feature", **args)["pull_request_id"]
    assert stranger.api.error("get_pull_request", repoid=name, pullrequestid=prid) == (
        f"repository `{name}` does not exist"
    )
    assert reader.api.error("get_pull_request", repoid=name, pullrequestid="x") == (
        "pullrequestid must be an integer"
    )
    assert reader.api.error("get_pull_request", repoid=name, pullrequestid=999999) == (
        "pull request `999999` does not exist"
    )
    # The author may close, a reader may not merge.
    assert reader.api.error("merge_pull_request", repoid=name, pullrequestid=prid) == (
        f"repository `{name}` does not exist"
    )
    assert reader.api.error("merge_pull_request", repoid=name, pullrequestid=prid, userid=reader.username) == (
        "userid is not the same as your user"
    )
    assert [p["pull_request_id"] for p in reader.api.result("get_pull_requests", repoid=name)] == [prid]
    assert reader.api.result("close_pull_request", repoid=name, pullrequestid=prid) == {
        "pull_request_id": prid, "closed": True,
    }
    assert reader.api.error("close_pull_request", repoid=name, pullrequestid=prid) == (
        f"pull request `{prid}` is already closed"
    )
    assert reader.api.result("get_pull_requests", repoid=name) == []
    assert [p["pull_request_id"] for p in reader.api.result("get_pull_requests", repoid=name, status="closed")] == [prid]
    assert reader.api.error("comment_pull_request", repoid=name, pullrequestid=prid) == (
        "message and status parameter missing"
    )
    assert reader.api.error("comment_pull_request", repoid=name, pullrequestid=prid, status="meh") == (
        "unknown comment status`meh`"
    )


@pytest.mark.parametrize("status", ["not_reviewed", "approved", "rejected", "under_review", None])
def test_commit_comments(admin_api, live_server, project, kind, status):
    name, work = project
    tip = work.tip()
    args = {"status": status} if status else {}
    result = admin_api.result("comment_commit", repoid=name, commit_id=tip[:12], message="looks good", **args)
    assert result == {
        "msg": f"Commented on commit `{tip}` for repository `{name}`",
        "status_change": status,
        "success": True,
    }
    old = admin_api.call("changeset_comment", repoid=name, revision="tip", message="old name")
    assert old["error"] is None
    assert old["DEPRECATION_WARNING"] == "DEPRECATED METHOD Please use method `comment_commit` instead."


def test_commit_comment_errors(admin_api, live_server, project, kind):
    name, work = project
    assert admin_api.error("comment_commit", repoid=name, commit_id=work.tip(), message="x", status="bad") == (
        "Bad status, must be on of ['not_reviewed', 'approved', 'rejected', 'under_review'] got bad"
    )
    assert admin_api.error("comment_commit", repoid=name, commit_id="deadbeef" * 5, message="x") == (
        f"failed to set comment on repository `{name}`"
    )
    assert admin_api.error("comment_commit", repoid=name, commit_id=work.tip(), message="") == (
        f"failed to set comment on repository `{name}`"
    )
