"""Pull requests after creation: versions on update, closing, who may update, status filters.

Everything is driven through the JSON-RPC API of a live server on real Git and Mercurial
repositories (REFERENCE.md 4.6 and 4.7); what the API does not return is read from the server's
database (tests/api/pull_requests/pull_request_state.py).
"""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder
from tests.factories.commits import WorkingCopy
from tests.api.pull_requests.pull_request_state import (
    NOTHING_CHANGED,
    reviewer_votes,
    stored_comments,
    stored_versions,
)
from tests.api.pull_requests.workflow import MAIN, back_to_main, get_pr, open_pr, push_to

# -- versions on update -------------------------------------------------------------------------


def test_update_commits_keeps_versions_and_comments_stay_on_their_version(
    admin_api, live_server, project, kind
):
    name, work = project
    author, reviewer = make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=author.username, perm="repository.read")
    first = push_to(work, kind, "feature", {"feature.txt": "v1\n"})
    prid = open_pr(author.api, name, kind, reviewers=[reviewer.username])

    inline = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid,
        message="typo here", f_path="feature.txt", line="n1",
    )["comment_id"]
    general = author.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="thanks"
    )["comment_id"]

    # The source did not move: nothing changes and no version is stored.
    same = author.api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits=True)
    assert set(same) == {"msg", "pull_request", "updated_commits", "updated_reviewers"}
    assert same["msg"] == f"Updated pull request `{prid}`"
    assert {k: same[k] for k in NOTHING_CHANGED} == NOTHING_CHANGED
    assert same["pull_request"]["commit_ids"] == [first]
    assert stored_versions(live_server, prid) == []
    before_update = stored_comments(live_server, prid=prid)
    assert before_update[inline]["version_id"] is None and before_update[general]["version_id"] is None

    # New commit on the source, then update: version 1 keeps the state before the update.
    second = push_to(work, kind, "feature", {"feature.txt": "v2\n"}, "second")
    updated = author.api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits="true")
    assert set(updated) == {"msg", "pull_request", "updated_commits", "updated_reviewers"}
    assert updated["msg"] == f"Updated pull request `{prid}`"
    assert updated["updated_commits"] == {"added": [second], "common": [first], "removed": []}
    assert updated["updated_reviewers"] == {"added": [], "removed": []}
    pr = updated["pull_request"]
    assert pr["pull_request_id"] == prid and pr["status"] == "new"
    assert sorted(pr["commit_ids"]) == sorted([first, second])
    assert pr["source"]["reference"] == {"name": "feature", "type": "branch", "commit_id": second}
    assert get_pr(admin_api, name, prid)["source"]["reference"]["commit_id"] == second

    versions = stored_versions(live_server, prid)
    assert [(v["source_ref"], v["revisions"]) for v in versions] == [(f"branch:feature:{first}", [first])]
    v1 = versions[0]["version_id"]
    after_first = stored_comments(live_server, prid=prid)
    assert after_first[inline]["version_id"] == v1
    assert after_first[general]["version_id"] == v1
    assert after_first[inline]["f_path"] == "feature.txt" and after_first[inline]["line"] == "n1"
    # The update describes itself in one automatic comment, on the current state.
    automatic = set(after_first) - set(before_update)
    assert len(automatic) == 1 and after_first[automatic.pop()]["version_id"] is None

    on_v2 = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid,
        message="second look", f_path="feature.txt", line="n1",
    )["comment_id"]
    assert stored_comments(live_server, prid=prid)[on_v2]["version_id"] is None

    # A second update: a second version; older comments do not move to it.
    third = push_to(work, kind, "feature", {"more.txt": "v3\n"}, "third")
    again = author.api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits=True)
    assert again["updated_commits"]["added"] == [third]
    assert sorted(again["updated_commits"]["common"]) == sorted([first, second])
    assert again["updated_commits"]["removed"] == []
    assert sorted(again["pull_request"]["commit_ids"]) == sorted([first, second, third])
    versions = stored_versions(live_server, prid)
    assert len(versions) == 2 and versions[0]["version_id"] == v1
    assert versions[1]["source_ref"] == f"branch:feature:{second}"
    assert sorted(versions[1]["revisions"]) == sorted([first, second])
    v2 = versions[1]["version_id"]
    final = stored_comments(live_server, prid=prid)
    assert final[inline]["version_id"] == v1 and final[general]["version_id"] == v1
    assert final[on_v2]["version_id"] == v2
    latest = reviewer.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="on the newest"
    )["comment_id"]
    assert stored_comments(live_server, prid=prid)[latest]["version_id"] is None


def test_update_commits_after_history_was_rewritten(admin_api, live_server, tmp_path):
    """A force-pushed source: the old commit is reported removed, the version keeps it (git)."""
    name = unique("rewrite")
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    work = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "work", "git")
    work.git("checkout", "--quiet", "-b", "master")
    work.commit({"base.txt": "base\n"}, "base")
    work.push("master")
    first = push_to(work, "git", "feature", {"a.txt": "first try\n"})
    prid = open_pr(admin_api, name, "git")

    work.git("checkout", "--quiet", "-B", "feature", "master")
    rewritten = work.commit({"a.txt": "second try\n"}, "rewritten")
    work.git("push", "--quiet", "--force", "origin", "HEAD:refs/heads/feature")
    updated = admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits=True)
    assert updated["updated_commits"] == {"added": [rewritten], "common": [], "removed": [first]}
    assert updated["pull_request"]["commit_ids"] == [rewritten]
    assert [v["revisions"] for v in stored_versions(live_server, prid)] == [[first]]


def test_update_commits_follows_a_mercurial_bookmark(admin_api, live_server, tmp_path):
    """``book:<name>`` sources move with the bookmark (hg)."""
    name = unique("bookmarks")
    admin_api.result("create_repo", repo_name=name, repo_type="hg")
    work = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "work", "hg")
    work.commit({"base.txt": "base\n"}, "base")
    work.hg("bookmark", "main")
    work.hg("bookmark", "feat")  # the active bookmark follows new commits
    first = work.commit({"a.txt": "one\n"}, "first")
    work.hg("push", "--quiet", "-B", "main", "-B", "feat")
    prid = admin_api.result(
        "create_pull_request", source_repo=name, target_repo=name,
        source_ref="book:feat", target_ref="book:main", title="bookmark",
    )["pull_request_id"]
    assert get_pr(admin_api, name, prid)["source"]["reference"] == {"name": "feat", "type": "book", "commit_id": first}

    second = work.commit({"a.txt": "two\n"}, "second")
    work.hg("push", "--quiet", "-B", "feat")
    updated = admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits=True)
    assert updated["updated_commits"] == {"added": [second], "common": [first], "removed": []}
    assert updated["pull_request"]["source"]["reference"] == {"name": "feat", "type": "book", "commit_id": second}
    assert [v["source_ref"] for v in stored_versions(live_server, prid)] == [f"book:feat:{first}"]


def test_update_commits_leaves_a_fixed_revision_alone(admin_api, live_server, project, kind):
    """Only branch, book and tag sources are re-read: a ``rev`` source never moves."""
    name, work = project
    first = push_to(work, kind, "feature", {"f.txt": "1\n"})
    prid = admin_api.result(
        "create_pull_request", source_repo=name, target_repo=name,
        source_ref=f"rev:{first}:{first}", target_ref=f"branch:{MAIN[kind]}", title="fixed",
    )["pull_request_id"]
    push_to(work, kind, "feature", {"f.txt": "2\n"})
    result = admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits=True)
    assert {k: result[k] for k in NOTHING_CHANGED} == NOTHING_CHANGED
    assert result["pull_request"]["commit_ids"] == [first]
    assert result["pull_request"]["source"]["reference"] == {"name": first, "type": "rev", "commit_id": first}
    assert stored_versions(live_server, prid) == []


def test_update_title_and_description(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    prid = open_pr(admin_api, name, kind, title="old title", description="old text")

    result = admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, title="new title")
    assert {k: result[k] for k in NOTHING_CHANGED} == NOTHING_CHANGED
    assert (result["pull_request"]["title"], result["pull_request"]["description"]) == ("new title", "old text")
    # An empty description keeps the old one: a description cannot be cleared.
    admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, description="")
    admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, description="new text")
    pr = get_pr(admin_api, name, prid)
    assert (pr["title"], pr["description"]) == ("new title", "new text")
    # A title change alone stores no version.
    assert stored_versions(live_server, prid) == []


# -- closing through update_pull_request ----------------------------------------------------------


def test_update_pull_request_close(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    closer, other = make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=closer.username, perm="repository.write")
    prid = open_pr(admin_api, name, kind, reviewers=[closer.username, other.username])
    closer.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")

    # A false value (strings as the command-line client sends them) does not close.
    kept = closer.api.result("update_pull_request", repoid=name, pullrequestid=prid, close_pull_request="false")
    assert kept["pull_request"]["status"] == "new"

    before = stored_comments(live_server, prid=prid)
    closed = closer.api.result("update_pull_request", repoid=name, pullrequestid=prid, close_pull_request="true")
    assert closed["msg"] == f"Updated pull request `{prid}`"
    assert {k: closed[k] for k in NOTHING_CHANGED} == NOTHING_CHANGED
    pr = closed["pull_request"]
    assert pr["status"] == "closed"
    assert pr["mergeable"] == {"status": False, "message": "This pull request is closed."}
    # Closed with a rejected vote of the caller and the fixed comment.
    assert reviewer_votes(pr) == {closer.username: "rejected", other.username: "not_reviewed"}
    added = [c for cid, c in stored_comments(live_server, prid=prid).items() if cid not in before]
    assert [(c["text"], c["user_id"]) for c in added] == [("Closing with Status change > Rejected", closer.user_id)]

    assert get_pr(admin_api, name, prid)["status"] == "closed"
    assert closer.api.error("update_pull_request", repoid=name, pullrequestid=prid, title="again") == (
        f"pull request `{prid}` update failed, pull request is closed"
    )
    assert closer.api.error("close_pull_request", repoid=name, pullrequestid=prid) == (
        f"pull request `{prid}` is already closed"
    )


def test_one_update_changes_commits_then_reviewers_then_closes(admin_api, live_server, project, kind):
    name, work = project
    first = push_to(work, kind, "feature", {"f.txt": "1\n"})
    old, new = make_user(admin_api), make_user(admin_api)
    prid = open_pr(admin_api, name, kind, title="all at once", reviewers=[old.username])
    second = push_to(work, kind, "feature", {"f.txt": "2\n"})
    result = admin_api.result(
        "update_pull_request", repoid=name, pullrequestid=str(prid), title="renamed", description="why",
        update_commits="yes", reviewers=[new.username], close_pull_request="1",
    )
    assert result["msg"] == f"Updated pull request `{prid}`"
    assert result["updated_commits"] == {"added": [second], "common": [first], "removed": []}
    assert result["updated_reviewers"] == {"added": [new.username], "removed": [old.username]}
    pr = result["pull_request"]
    assert (pr["title"], pr["description"], pr["status"]) == ("renamed", "why", "closed")
    assert sorted(pr["commit_ids"]) == sorted([first, second])
    assert reviewer_votes(pr) == {new.username: "not_reviewed"}
    assert pr == get_pr(admin_api, name, prid)
    # The version keeps the commits the pull request had before the update.
    assert [(v["source_ref"], v["revisions"]) for v in stored_versions(live_server, prid)] == [
        (f"branch:feature:{first}", [first])
    ]


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reader", "reviewer", "stranger"])
def test_no_permission_to_update_or_close(admin_api, live_server, project, kind, who):
    """A reader, a reviewer without write, and a user who cannot even read the private target."""
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "x\n"})
    author, user = make_user(admin_api), make_user(admin_api)
    admin_api.result("update_repo", repoid=name, private=True)
    for someone in (author, user) if who != "stranger" else (author,):
        admin_api.result("grant_user_permission", repoid=name, userid=someone.username, perm="repository.read")
    reviewers = [user.username] if who == "reviewer" else []
    prid = open_pr(author.api, name, kind, title="mine", reviewers=reviewers)

    denied_update = f"pull request `{prid}` update failed, no permission to update."
    denied_close = f"pull request `{prid}` close failed, no permission to close."
    if who == "stranger":  # a private repository he cannot read looks missing (1.8)
        denied_update = denied_close = f"repository `{name}` does not exist"
    assert user.api.error("update_pull_request", repoid=name, pullrequestid=prid, title="theirs") == denied_update
    assert user.api.error(
        "update_pull_request", repoid=name, pullrequestid=str(prid), close_pull_request=True
    ) == denied_update
    assert user.api.error("close_pull_request", repoid=name, pullrequestid=prid) == denied_close
    pr = get_pr(author.api, name, prid)
    assert (pr["title"], pr["status"]) == ("mine", "new")

    # A writer may update somebody else's pull request.
    writer = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=writer.username, perm="repository.write")
    assert writer.api.result(
        "update_pull_request", repoid=name, pullrequestid=prid, description="edited by a writer"
    )["pull_request"]["description"] == "edited by a writer"
    # The author (read only) may update and close his own pull request.
    assert author.api.result(
        "update_pull_request", repoid=name, pullrequestid=prid, title="still mine"
    )["pull_request"]["title"] == "still mine"
    comments_before = stored_comments(live_server, prid=prid)
    votes_before = reviewer_votes(get_pr(author.api, name, prid))
    assert author.api.result("close_pull_request", repoid=name, pullrequestid=prid) == {
        "pull_request_id": prid, "closed": True,
    }
    # close_pull_request itself adds no comment and no vote.
    assert stored_comments(live_server, prid=prid) == comments_before
    assert reviewer_votes(get_pr(author.api, name, prid)) == votes_before
    # The right is checked before the state.
    assert user.api.error("update_pull_request", repoid=name, pullrequestid=prid, title="x") == denied_update
    assert user.api.error("close_pull_request", repoid=name, pullrequestid=prid) == denied_close


# -- listing ------------------------------------------------------------------------------------


def test_get_pull_requests_status_filter(admin_api, live_server, project, kind):
    name, work = project
    push_to(work, kind, "open-one", {"a.txt": "a\n"})
    back_to_main(work, kind)
    push_to(work, kind, "closed-one", {"b.txt": "b\n"})
    back_to_main(work, kind)
    push_to(work, kind, "merged-one", {"c.txt": "c\n"})
    still_new = open_pr(admin_api, name, kind, branch="open-one")
    closed = open_pr(admin_api, name, kind, branch="closed-one")
    merged = open_pr(admin_api, name, kind, branch="merged-one")
    admin_api.result("close_pull_request", repoid=name, pullrequestid=closed)
    assert admin_api.result("merge_pull_request", repoid=name, pullrequestid=merged)["executed"] is True

    def listed(**status):
        prs = admin_api.result("get_pull_requests", repoid=name, **status)
        return {pr["pull_request_id"]: pr["status"] for pr in prs}

    assert listed() == {still_new: "new"}
    assert listed(status="new") == {still_new: "new"}
    assert listed(status="closed") == {closed: "closed", merged: "closed"}
    # `open` is a valid filter value but no pull request is ever put in that state.
    assert listed(status="open") == {}
    # The contract knows exactly `new`, `open` and `closed`; another word is refused (issue 14:
    # RC4 listed nothing, and a list or object reached SQL).
    assert admin_api.error("get_pull_requests", repoid=name, status="all") == (
        "status must be one of ['new', 'open', 'closed'], got 'all'"
    )
    # A pull request closed through update_pull_request moves between the lists too.
    admin_api.result("update_pull_request", repoid=name, pullrequestid=still_new, close_pull_request=True)
    assert listed() == {}
    assert listed(status="closed") == {still_new: "closed", closed: "closed", merged: "closed"}
