"""Kallithea 0.7's own method names answer as Kallithea does, with vcshub's data (REFERENCE.md
6): get_changesets, get_changeset, get_pullrequest, comment_pullrequest, edit_reviewers."""

from __future__ import annotations

import re

from tests.api.pull_requests.workflow import MAIN, get_pr, open_pr, push_to
from tests.factories import make_user, unique

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?$")


def test_get_changesets_and_get_changeset(admin_api, project, kind):
    name, work = project
    base = admin_api.result("get_changesets", repoid=name)
    assert len(base) == 1
    second = work.commit({"b.txt": "b\n"}, "second")
    third = work.commit({"b.txt": "bb\n", "base.txt": None}, "third")
    work.push(MAIN[kind] if kind == "git" else None)
    first = base[0]["raw_id"]

    listed = admin_api.result("get_changesets", repoid=name)
    assert [c["raw_id"] for c in listed] == [first, second, third]
    entry = listed[1]
    assert set(entry) == {"short_id", "raw_id", "revision", "message", "date", "author"}
    assert entry["revision"] == 1 and entry["message"].rstrip("\n") == "second"
    assert ISO.match(entry["date"]) and "<" in entry["author"]
    with_files = admin_api.result("get_changesets", repoid=name, with_file_list="true")[2]
    assert (with_files["added"], with_files["changed"], with_files["removed"]) == (
        [], ["b.txt"], ["base.txt"]
    )
    assert [c["raw_id"] for c in admin_api.result(
        "get_changesets", repoid=name, start=second, reverse=True)] == [third, second]
    assert [c["raw_id"] for c in admin_api.result(
        "get_changesets", repoid=name, end=second)] == [first, second]
    assert [c["raw_id"] for c in admin_api.result(
        "get_changesets", repoid=name, max_revisions="2")] == [first, second]
    assert [c["raw_id"] for c in admin_api.result(
        "get_changesets", repoid=name, branch_name=MAIN[kind])] == [first, second, third]
    assert admin_api.result("get_changesets", repoid=name, start_date="2999-01-01T00:00:00") == []
    assert admin_api.error("get_changesets", repoid=name, branch_name="nope") == (
        "Branch 'nope' not found"
    )
    assert admin_api.error("get_changesets", repoid=name, start=third, end=first) == (
        "start cannot be after end"
    )
    assert admin_api.error("get_changesets", repoid=name, start="f" * 40) == (
        f"Changeset {'f' * 40} does not exist"
    )

    one = admin_api.result("get_changeset", repoid=name, raw_id=third)
    assert set(one) == {"raw_id", "short_id", "revision", "date", "message", "author",
                        "added", "changed", "removed"}
    assert one["raw_id"] == third and one["revision"] == 2
    assert set(one["author"]) == {"name", "email"}
    assert (one["added"], one["changed"], one["removed"]) == ([], ["b.txt"], ["base.txt"])
    assert "reviews" not in one
    admin_api.result("comment_commit", repoid=name, commit_id=third, message="ok",
                     status="approved")
    reviewed = admin_api.result("get_changeset", repoid=name, raw_id=third, with_reviews="1")
    assert [(r["status"], r["reviewer"]) for r in reviewed["reviews"]] == [("approved", "admin")]
    assert ISO.match(reviewed["reviews"][0]["modified_at"])
    assert admin_api.error("get_changeset", repoid=name, raw_id="f" * 40) == (
        f"Changeset {'f' * 40} does not exist"
    )


def test_changesets_of_an_empty_private_or_missing_repository(admin_api, kind):
    empty = unique("empty")
    admin_api.result("create_repo", repo_name=empty, repo_type=kind)
    assert admin_api.error("get_changesets", repoid=empty) == "Repository is empty"
    admin_api.result("update_repo", repoid=empty, private=True)
    outsider = make_user(admin_api)
    for method, args in (("get_changesets", {}), ("get_changeset", {"raw_id": "tip"})):
        assert outsider.api.error(method, repoid=empty, **args) == (
            f"repository `{empty}` does not exist"
        )
        assert admin_api.error(method, repoid="missing-x", **args) == (
            "repository `missing-x` does not exist"
        )


def test_get_pullrequest(admin_api, project, kind):
    name, work = project
    commit = push_to(work, kind, "feature", {"f.txt": "feature\n"})
    reviewer = make_user(admin_api)
    prid = open_pr(admin_api, name, kind, reviewers=[reviewer.username], title="Kallithea view")
    comment = admin_api.result("comment_pull_request", repoid=name, pullrequestid=prid,
                               message="first note")["comment_id"]
    pr = reviewer.api.result("get_pullrequest", pullrequest_id=str(prid))
    assert set(pr) == {
        "pull_request_id", "url", "reviewers", "revisions", "owner", "title", "description",
        "org_repo_url", "org_ref_parts", "other_ref_parts", "status", "comments", "statuses",
        "created_on", "updated_on",
    }
    assert pr["pull_request_id"] == prid and pr["title"] == "Kallithea view"
    assert pr["url"].endswith(f"/{name}/pull-request/{prid}")
    assert pr["reviewers"] == [{"username": reviewer.username}]
    assert pr["revisions"] == [commit] and pr["owner"] == "admin" and pr["status"] == "new"
    assert pr["org_repo_url"].endswith(f"/{name}")
    assert pr["org_ref_parts"] == ["branch", "feature", commit]
    assert pr["other_ref_parts"][:2] == ["branch", MAIN[kind]]
    assert pr["comments"] == [{"comment_id": comment, "username": "admin", "text": "first note"}]
    assert [(s["status"], s["reviewer"]) for s in pr["statuses"]] == [("under_review", "admin")]
    assert ISO.match(pr["created_on"]) and "." not in pr["created_on"]
    assert admin_api.error("get_pullrequest", pullrequest_id=10**6) == (
        f"pull request `{10**6}` does not exist"
    )
    admin_api.result("update_repo", repoid=name, private=True)
    outsider = make_user(admin_api)
    assert outsider.api.error("get_pullrequest", pullrequest_id=prid) == (
        f"pull request `{prid}` does not exist"
    )


def test_comment_pullrequest(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    author, reviewer, reader = make_user(admin_api), make_user(admin_api), make_user(admin_api)
    prid = open_pr(admin_api, name, kind, reviewers=[reviewer.username])

    assert reader.api.result("comment_pullrequest", pull_request_id=prid,
                             comment_msg="just a note") is True
    assert reader.api.error("comment_pullrequest", pull_request_id=prid, comment_msg="x",
                            status="approved") == (
        "No permission to change pull request status. User needs to be admin, owner or "
        "reviewer."
    )
    assert reader.api.error("comment_pullrequest", pull_request_id=prid, close_pr="true") == (
        "No permission to close pull request. User needs to be admin or owner."
    )
    assert reviewer.api.result("comment_pullrequest", pull_request_id=prid,
                               status="approved") is True
    pr = get_pr(admin_api, name, prid)
    assert pr["review_status"] == "approved" and pr["status"] == "new"
    texts = [c["text"] for c in admin_api.result("get_pullrequest", pull_request_id=prid,
                                                 pullrequest_id=prid)["comments"]]
    assert texts == ["just a note", "Status change > Approved"]
    assert admin_api.result("comment_pullrequest", pull_request_id=prid, comment_msg="closing",
                            status="rejected", close_pr=True) is True
    assert get_pr(admin_api, name, prid)["status"] == "closed"
    assert admin_api.error("comment_pullrequest", pull_request_id=prid, comment_msg="late") == (
        "pull request is already closed"
    )
    assert author.api.error("comment_pullrequest", pull_request_id=10**6, comment_msg="x") == (
        f"pull request `{10**6}` does not exist"
    )


def test_edit_reviewers(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    author, one, two, three = (make_user(admin_api) for _ in range(4))
    admin_api.result("grant_user_permission", repoid=name, userid=author.username,
                     perm="repository.read")
    prid = open_pr(author.api, name, kind, reviewers=[one.username])

    assert author.api.error("edit_reviewers", pull_request_id=prid) == (
        "Invalid request. Neither 'add' nor 'remove' is specified."
    )
    changed = author.api.result("edit_reviewers", pull_request_id=prid,
                                add=[one.username, two.username], remove=None)
    assert changed == {"added": [two.username], "already_present": [one.username],
                       "removed": []}
    changed = author.api.result("edit_reviewers", pull_request_id=prid, add=three.username,
                                remove=[one.username])
    assert changed == {"added": [three.username], "already_present": [], "removed": [one.username]}
    reviewers = [r["user"]["username"] for r in get_pr(admin_api, name, prid)["reviewers"]]
    assert sorted(reviewers) == sorted([two.username, three.username])
    # Everyone can be removed (update_pull_request cannot empty the list).
    author.api.result("edit_reviewers", pull_request_id=prid,
                      remove=[two.username, three.username])
    assert get_pr(admin_api, name, prid)["reviewers"] == []
    assert author.api.error("edit_reviewers", pull_request_id=prid, add="nobody-such") == (
        "user `nobody-such` does not exist"
    )
    assert one.api.error("edit_reviewers", pull_request_id=prid, add=one.username) == (
        "No permission to edit reviewers of this pull request. User needs to be admin or pull "
        "request owner."
    )
    admin_api.result("close_pull_request", pullrequestid=prid)
    assert author.api.error("edit_reviewers", pull_request_id=prid, add=one.username) == (
        "Cannot edit reviewers of a closed pull request."
    )
    assert author.api.error("edit_reviewers", pull_request_id=10**6, add=one.username) == (
        f"pull request `{10**6}` does not exist"
    )
