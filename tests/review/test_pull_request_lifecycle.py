"""Pull requests after creation: versions on update, reviewers, closing, votes, todos, filters.

Everything is driven through the JSON-RPC API of a live server on real Git and Mercurial
repositories (REFERENCE.md 4.6 and 4.7). What the contract keeps server-side only (the versions
a pull request had and which version a comment was made on) is read from the server's database,
as tests/repo_content.py does for global permissions: the API has no method that returns it.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.factories import make_user, unique
from tests.repo_content import WorkingCopy, hosted_folder
from tests.review.workflow import MAIN, back_to_main, get_pr, open_pr, push_to

NOTHING_CHANGED = {
    "updated_commits": {"added": [], "common": [], "removed": []},
    "updated_reviewers": {"added": [], "removed": []},
}


def reviewer_votes(pr: dict) -> dict[str, str]:
    """username → that reviewer's review_status (the order of reviewers is not part of 3.6)."""
    return {r["user"]["username"]: r["review_status"] for r in pr["reviewers"]}


# -- the server's database, for state the API does not return ------------------------------------


@contextmanager
def server_db(live_server):
    from sqlalchemy.orm import Session

    from vcshub.db.engine import create_db_engine

    engine = create_db_engine(live_server.database_url)
    try:
        with Session(engine) as db:
            yield db
    finally:
        engine.dispose()


def stored_versions(live_server, prid: int) -> list[dict]:
    """The stored versions of a pull request, oldest first."""
    from sqlalchemy import select

    from vcshub.db.models import PullRequestVersion

    with server_db(live_server) as db:
        rows = db.scalars(
            select(PullRequestVersion)
            .where(PullRequestVersion.pull_request_id == prid)
            .order_by(PullRequestVersion.version_id)
        ).all()
        return [
            {"version_id": v.version_id, "source_ref": v.source_ref, "revisions": list(v.revisions),
             "title": v.title}
            for v in rows
        ]


def stored_comments(live_server, *, prid: int | None = None, commit_id: str | None = None) -> dict:
    """comment_id → its stored facts, for the comments of a pull request or of a commit."""
    from sqlalchemy import select

    from vcshub.db.models import Comment

    query = select(Comment)
    if prid is not None:
        query = query.where(Comment.pull_request_id == prid)
    if commit_id is not None:
        query = query.where(Comment.commit_id == commit_id)
    with server_db(live_server) as db:
        return {
            c.comment_id: {
                "version_id": c.pull_request_version_id,
                "text": c.text,
                "type": c.comment_type,
                "resolves": c.resolves_comment_id,
                "f_path": c.f_path,
                "line": c.line_no,
                "user_id": c.user_id,
            }
            for c in db.scalars(query)
        }


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
    # The contract knows exactly `new`, `open` and `closed`; `all` selects no state.
    assert listed(status="all") == {}
    # A pull request closed through update_pull_request moves between the lists too.
    admin_api.result("update_pull_request", repoid=name, pullrequestid=still_new, close_pull_request=True)
    assert listed() == {}
    assert listed(status="closed") == {still_new: "closed", closed: "closed", merged: "closed"}

