"""Reviewing pull requests: reviewers, votes, commit status once closed, todo comments.

Everything is driven through the JSON-RPC API of a live server on real Git and Mercurial
repositories (REFERENCE.md 4.6 and 4.7); what the API does not return is read from the server's
database (tests/api/pull_requests/pull_request_state.py).
"""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.api.pull_requests.pull_request_state import reviewer_votes, stored_comments
from tests.api.pull_requests.workflow import get_pr, open_pr, push_to

# -- reviewers ----------------------------------------------------------------------------------


def test_reviewers_added_and_removed(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    keep = make_user(admin_api, username=unique("mkeep"))
    gone = make_user(admin_api, username=unique("bgone"))
    new_z = make_user(admin_api, username=unique("znew"))
    new_a = make_user(admin_api, username=unique("anew"))
    prid = open_pr(admin_api, name, kind, reviewers=[keep.username, gone.username])
    assert set(reviewer_votes(get_pr(admin_api, name, prid))) == {keep.username, gone.username}

    # The list replaces the set; ids and names both work; the lists come sorted by username.
    result = admin_api.result(
        "update_pull_request", repoid=name, pullrequestid=prid,
        reviewers=[str(new_z.user_id), keep.user_id, new_a.username],
    )
    assert result["updated_reviewers"] == {"added": [new_a.username, new_z.username], "removed": [gone.username]}
    assert result["updated_commits"] == {"added": [], "common": [], "removed": []}
    assert reviewer_votes(result["pull_request"]) == {
        keep.username: "not_reviewed", new_a.username: "not_reviewed", new_z.username: "not_reviewed",
    }
    assert reviewer_votes(get_pr(admin_api, name, prid)) == reviewer_votes(result["pull_request"])

    # An empty list and null change nothing.
    for empty in ([], None):
        unchanged = admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, reviewers=empty)
        assert unchanged["updated_reviewers"] == {"added": [], "removed": []}
        assert set(reviewer_votes(unchanged["pull_request"])) == {keep.username, new_a.username, new_z.username}

    # Duplicates count once; shrinking the list reports only the removed ones.
    result = admin_api.result(
        "update_pull_request", repoid=name, pullrequestid=prid, reviewers=[keep.username, keep.username],
    )
    assert result["updated_reviewers"] == {"added": [], "removed": [new_a.username, new_z.username]}
    assert reviewer_votes(result["pull_request"]) == {keep.username: "not_reviewed"}


def test_reviewer_errors_change_nothing(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    reviewer = make_user(admin_api)
    prid = open_pr(admin_api, name, kind, title="before", reviewers=[reviewer.username])
    assert admin_api.error(
        "update_pull_request", repoid=name, pullrequestid=prid, reviewers=reviewer.username
    ) == "reviewers should be specified as a list"
    missing = unique("nobody")
    assert admin_api.error(
        "update_pull_request", repoid=name, pullrequestid=prid, title="after", reviewers=[missing]
    ) == f"user `{missing}` does not exist"
    pr = get_pr(admin_api, name, prid)
    assert pr["title"] == "before"
    assert set(reviewer_votes(pr)) == {reviewer.username}


def test_a_removed_reviewers_vote_no_longer_counts(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    naysayer, fan = make_user(admin_api), make_user(admin_api)
    prid = open_pr(admin_api, name, kind, reviewers=[naysayer.username, fan.username])
    naysayer.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="rejected")
    fan.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")
    assert get_pr(admin_api, name, prid)["review_status"] == "under_review"
    result = admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, reviewers=[fan.username])
    assert result["updated_reviewers"] == {"added": [], "removed": [naysayer.username]}
    assert result["pull_request"]["review_status"] == "approved"
    assert reviewer_votes(result["pull_request"]) == {fan.username: "approved"}


# -- votes --------------------------------------------------------------------------------------


def test_a_non_reviewers_vote_is_ignored_a_reviewers_counts(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    reviewer, outsider = make_user(admin_api), make_user(admin_api)
    prid = open_pr(admin_api, name, kind, reviewers=[reviewer.username])
    admin_api.result("update_repo", repoid=name, private=True)
    for someone in (reviewer, outsider):
        admin_api.result("grant_user_permission", repoid=name, userid=someone.username, perm="repository.read")

    # The comment is stored, the status echoed, the vote silently dropped.
    ignored = outsider.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="LGTM", status="approved"
    )
    assert ignored["pull_request_id"] == prid and ignored["comment_id"] > 0 and ignored["status"] == "approved"
    assert stored_comments(live_server, prid=prid)[ignored["comment_id"]]["text"] == "LGTM"
    pr = get_pr(admin_api, name, prid)
    assert pr["review_status"] == "under_review"
    assert reviewer_votes(pr) == {reviewer.username: "not_reviewed"}
    # A status alone that cannot be applied is an empty comment.
    assert outsider.api.error("comment_pull_request", repoid=name, pullrequestid=prid, status="rejected") == (
        "message and status parameter missing"
    )
    # Impersonated by a super-admin, the vote is judged as the acting user's: still ignored.
    admin_api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="as outsider",
        status="rejected", userid=outsider.username,
    )

    counted = reviewer.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")
    assert counted["status"] == "approved"
    assert stored_comments(live_server, prid=prid)[counted["comment_id"]]["text"] == "Status change > Approved"
    pr = get_pr(admin_api, name, prid)
    assert pr["review_status"] == "approved"
    assert reviewer_votes(pr) == {reviewer.username: "approved"}

    outsider.api.result("comment_pull_request", repoid=name, pullrequestid=prid, message="no!", status="rejected")
    assert get_pr(admin_api, name, prid)["review_status"] == "approved"

    # Ignored votes were never recorded: made a reviewer later, the outsider has not reviewed.
    added = admin_api.result(
        "update_pull_request", repoid=name, pullrequestid=prid, reviewers=[reviewer.username, outsider.username]
    )
    assert added["updated_reviewers"] == {"added": [outsider.username], "removed": []}
    assert reviewer_votes(added["pull_request"]) == {reviewer.username: "approved", outsider.username: "not_reviewed"}
    assert added["pull_request"]["review_status"] == "under_review"
    outsider.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")
    assert get_pr(admin_api, name, prid)["review_status"] == "approved"


def test_a_reviewer_may_still_vote_on_a_closed_pull_request(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    reviewer = make_user(admin_api)
    prid = open_pr(admin_api, name, kind, reviewers=[reviewer.username])
    admin_api.result("close_pull_request", repoid=name, pullrequestid=prid)
    voted = reviewer.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")
    assert voted["status"] == "approved"
    assert stored_comments(live_server, prid=prid)[voted["comment_id"]]["text"] == "Status change > Approved"
    pr = get_pr(admin_api, name, prid)
    assert reviewer_votes(pr) == {reviewer.username: "approved"}
    assert pr["review_status"] == "approved"


# -- commit status on commits of closed pull requests ---------------------------------------------

CLOSED_PR_STATUS = "Changing status on a changeset associated with a closed pull request is not allowed"


@pytest.mark.parametrize("how", ["close", "merge"])
def test_no_status_change_on_a_commit_of_a_closed_pull_request(admin_api, live_server, project, kind, how):
    name, work = project
    base = work.tip()
    commit = push_to(work, kind, "feature", {"f.txt": "x\n"})
    prid = open_pr(admin_api, name, kind)

    # While the pull request is open the commit's status may change.
    assert admin_api.result(
        "comment_commit", repoid=name, commit_id=commit, message="ok so far", status="under_review"
    )["status_change"] == "under_review"

    if how == "close":
        admin_api.result("close_pull_request", repoid=name, pullrequestid=prid)
    else:
        assert admin_api.result("merge_pull_request", repoid=name, pullrequestid=prid)["executed"] is True

    before = stored_comments(live_server, commit_id=commit)
    assert admin_api.error(
        "comment_commit", repoid=name, commit_id=commit[:12], message="too late", status="approved"
    ) == CLOSED_PR_STATUS
    old_name = admin_api.call("changeset_comment", repoid=name, revision=commit, message="late", status="rejected")
    assert (old_name["result"], old_name["error"]) == (None, CLOSED_PR_STATUS)
    assert stored_comments(live_server, commit_id=commit) == before

    # A plain comment is still welcome, and commits outside the pull request keep their status.
    assert admin_api.result("comment_commit", repoid=name, commit_id=commit, message="noted") == {
        "msg": f"Commented on commit `{commit}` for repository `{name}`",
        "status_change": None,
        "success": True,
    }
    assert admin_api.result(
        "comment_commit", repoid=name, commit_id=base, message="base is fine", status="approved"
    )["status_change"] == "approved"


# -- todo comments ------------------------------------------------------------------------------


def test_todo_comments_and_their_resolution(admin_api, live_server, project, kind):
    name, work = project
    commit = push_to(work, kind, "feature", {"f.txt": "x\n"})
    author, reviewer = make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=author.username, perm="repository.read")
    prid = open_pr(author.api, name, kind, reviewers=[reviewer.username])

    todo = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="rename this",
        comment_type="todo", f_path="f.txt", line="n1",
    )
    assert set(todo) == {"pull_request_id", "comment_id", "status"}
    assert todo["pull_request_id"] == prid and todo["status"] is None
    fix = author.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="renamed",
        resolves_comment_id=todo["comment_id"],
    )
    assert fix["status"] is None and fix["comment_id"] != todo["comment_id"]
    stored = stored_comments(live_server, prid=prid)
    assert stored[todo["comment_id"]]["type"] == "todo"
    assert stored[todo["comment_id"]]["resolves"] is None
    assert (stored[fix["comment_id"]]["type"], stored[fix["comment_id"]]["resolves"]) == ("note", todo["comment_id"])
    # Resolving with a vote: both are recorded.
    second_todo = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="add a test", comment_type="todo",
    )["comment_id"]
    done = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="all done", status="approved",
        resolves_comment_id=second_todo,
    )
    assert stored_comments(live_server, prid=prid)[done["comment_id"]]["resolves"] == second_todo
    assert get_pr(admin_api, name, prid)["review_status"] == "approved"

    # The same on commit comments.
    result = admin_api.result(
        "comment_commit", repoid=name, commit_id=commit, message="document it", comment_type="todo"
    )
    assert result == {
        "msg": f"Commented on commit `{commit}` for repository `{name}`", "status_change": None, "success": True,
    }
    on_commit = stored_comments(live_server, commit_id=commit)
    (commit_todo,) = [cid for cid, c in on_commit.items() if c["type"] == "todo"]
    admin_api.result(
        "comment_commit", repoid=name, commit_id=commit, message="documented", resolves_comment_id=commit_todo
    )
    resolutions = [c for c in stored_comments(live_server, commit_id=commit).values() if c["resolves"]]
    assert [(c["text"], c["resolves"]) for c in resolutions] == [("documented", commit_todo)]

    # Resolving a comment that does not exist is refused and stores nothing.
    before = stored_comments(live_server, prid=prid)
    reply = author.api.call(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="?", resolves_comment_id=10**9
    )
    assert reply["result"] is None and reply["error"]
    assert stored_comments(live_server, prid=prid) == before
