"""services.pull_requests, comments, reviews and pr_merge called directly: a pull request's
refs, reviewers, votes, updates, closing and merging (REFERENCE.md 3.6, 4.6, 4.7)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import people
from tests.factories import repos as make
from tests.factories import reviews as review
from tests.factories.commits import log_ids
from tests.services.state import unchanged
from vcshub.db.models import Comment, PullRequestVersion
from vcshub.services import comments, pr_merge, pull_requests, repo_permissions, reviews
from vcshub.services.errors import (
    CommentFailed,
    NotFound,
    RefError,
    RefProblem,
    ReviewError,
    ReviewProblem,
)

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


def texts(uow, pr) -> list[str]:
    rows = uow.db.scalars(
        select(Comment).where(Comment.pull_request_id == pr.pull_request_id)
        .order_by(Comment.comment_id)
    )
    return [c.text for c in rows]


@pytest.fixture
def proj(uow, root):
    return review.project(uow, root, "git")


def reader(uow, root, proj, perm="repository.read"):
    """A user with ``perm`` on the project's repository, as a caller."""
    user = people.user(uow)
    repo_permissions.grant_user(uow, root, proj.repo, user, perm)
    return people.caller(uow, user)


# -- create ---------------------------------------------------------------------------------------


@both_kinds
def test_create_records_refs_commits_author_and_his_vote(uow, root, kind):
    proj = review.project(uow, root, kind, feature_commits=2)
    pr = review.pull_request(uow, root, proj, title="Add things", description="why")
    main = review.MAIN[kind]
    assert (pr.status, pr.title, pr.description, pr.author_id) == ("new", "Add things", "why",
                                                                     root.user_id)
    assert pr.source_ref == f"branch:feature:{proj.feature[-1]}"
    assert pr.target_ref == f"branch:{main}:{proj.base}"
    assert sorted(pr.revisions) == sorted(proj.feature)
    assert (pr.source_repo_id, pr.target_repo_id) == (proj.repo.repo_id, proj.repo.repo_id)
    assert pr.reviewers == [] and pr.merge_commit_id is None
    assert reviews.latest_votes(uow, pr) == {root.user_id: "under_review"}


def test_reviewers_by_id_name_or_object_are_kept_once(uow, root, proj):
    bob, carol = people.user(uow), people.user(uow)
    pr = review.pull_request(uow, root, proj, reviewers=[
        bob.user_id, bob.username, {"username": carol.username, "reasons": ["owner"]}])
    assert sorted((r.user_id, tuple(r.reasons)) for r in pr.reviewers) == sorted(
        [(bob.user_id, ()), (carol.user_id, ("owner",))])


def test_reviewers_must_be_a_list_of_known_users(uow, root, proj):
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        review.pull_request(uow, root, proj, reviewers="bob")
    assert refused.value.problem is ReviewProblem.REVIEWERS_NOT_LIST
    with unchanged(uow), pytest.raises(NotFound) as unknown:
        review.pull_request(uow, root, proj, reviewers=["nobody-at-all"])
    assert (unknown.value.kind, unknown.value.ident) == ("user", "nobody-at-all")


def test_a_branch_with_nothing_new_is_refused(uow, root, proj):
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        review.pull_request(uow, root, proj, branch="master")
    assert refused.value.problem is ReviewProblem.NO_COMMITS


@pytest.mark.parametrize("ref, problem", [
    ("branch:missing", RefProblem.UNKNOWN),
    ("branch", RefProblem.FORMAT),
    ("branch::", RefProblem.FORMAT),
    ("rev:x:" + "0" * 40, RefProblem.COMMIT),
])
def test_bad_source_refs(uow, root, proj, ref, problem):
    name = proj.repo.repo_name
    with unchanged(uow), pytest.raises(RefError) as refused:
        pull_requests.create_pull_request(uow, root, name, name, ref, "branch:master", "t")
    assert (refused.value.problem, refused.value.ref) == (problem, ref)


def test_repositories_of_two_kinds_are_refused(uow, root, proj):
    hg = make.repo(uow, root, kind="hg")
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        pull_requests.create_pull_request(
            uow, root, hg.repo_name, proj.repo.repo_name, "branch:default", "branch:master", "t")
    assert refused.value.problem is ReviewProblem.MIXED_REPO_TYPES


def test_unrelated_histories_are_refused(uow, root, proj):
    stranger = make.repo(uow, root, commits=({"other.txt": "unrelated\n"},))
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        pull_requests.create_pull_request(
            uow, root, stranger.repo_name, proj.repo.repo_name, "branch:master",
            "branch:master", "t")
    assert refused.value.problem is ReviewProblem.NO_COMMON_ANCESTOR


def test_a_private_source_does_not_exist_for_the_author(uow, root, proj):
    secret = make.repo(uow, root, private=True)
    alice = reader(uow, root, proj)
    with unchanged(uow), pytest.raises(NotFound) as refused:
        pull_requests.create_pull_request(
            uow, alice, secret.repo_name, proj.repo.repo_name, "branch:feature",
            "branch:master", "t")
    assert (refused.value.kind, refused.value.ident) == ("repository", secret.repo_name)


# -- update -----------------------------------------------------------------------------------


def test_title_and_description_keep_their_old_value_when_empty(uow, root, proj):
    pr = review.pull_request(uow, root, proj, title="old", description="old text")
    name = proj.repo.repo_name
    pull_requests.update_pull_request(uow, root, name, pr.pull_request_id, title="new")
    assert (pr.title, pr.description) == ("new", "old text")
    pull_requests.update_pull_request(uow, root, name, pr.pull_request_id, description="")
    assert (pr.title, pr.description) == ("new", "old text")


def test_a_reviewer_list_replaces_the_set_and_an_empty_one_changes_nothing(uow, root, proj):
    bob, carol, dave = people.user(uow), people.user(uow), people.user(uow)
    pr = review.pull_request(uow, root, proj, reviewers=[bob.username, carol.username])
    name, prid = proj.repo.repo_name, pr.pull_request_id
    report = pull_requests.update_pull_request(
        uow, root, name, prid, reviewers=[dave.user_id, carol.username])
    assert (report.reviewers_added, report.reviewers_removed) == ([dave.username], [bob.username])
    assert {r.user_id for r in pr.reviewers} == {carol.user_id, dave.user_id}
    report = pull_requests.update_pull_request(uow, root, name, prid, reviewers=[])
    assert (report.reviewers_added, report.reviewers_removed) == ([], [])
    assert {r.user_id for r in pr.reviewers} == {carol.user_id, dave.user_id}


def test_the_author_and_writers_may_update_a_mere_reader_may_not(uow, root, proj):
    author, writer, other = reader(uow, root, proj), reader(uow, root, proj, "repository.write"), reader(uow, root, proj)
    pr = review.pull_request(uow, author, proj)
    name, prid = proj.repo.repo_name, pr.pull_request_id
    pull_requests.update_pull_request(uow, author, name, prid, title="by author")
    pull_requests.update_pull_request(uow, writer, name, prid, title="by writer")
    assert pr.title == "by writer"
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        pull_requests.update_pull_request(uow, other, name, prid, title="by other")
    assert (refused.value.problem, refused.value.pull_request_id) == (ReviewProblem.UPDATE_DENIED, prid)


def test_new_commits_on_the_branch_make_a_version(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    name, prid = proj.repo.repo_name, pr.pull_request_id
    comments.comment_pull_request(uow, root, name, prid, "before the update")
    [added] = make.add_commits(uow, proj.repo, {"more.txt": "more\n"}, branch="feature")
    report = pull_requests.update_pull_request(uow, root, name, prid, update_commits=True)
    assert (report.added, report.common, report.removed) == ([added], proj.feature, [])
    assert sorted(pr.revisions) == sorted([added, *proj.feature])
    assert pr.source_ref == f"branch:feature:{added}"
    [version] = uow.db.scalars(select(PullRequestVersion).where(
        PullRequestVersion.pull_request_id == prid)).all()
    assert (version.revisions, version.source_ref) == (proj.feature,
                                                       f"branch:feature:{proj.feature[-1]}")
    earlier = uow.db.scalar(select(Comment).where(Comment.text == "before the update",
                                                  Comment.pull_request_id == prid))
    assert earlier.pull_request_version_id == version.version_id
    assert texts(uow, pr)[-1] == (
        "Pull request updated: 1 added, 0 removed commits. Auto status change to |Under Review|")


def test_updating_commits_of_a_branch_that_did_not_move_changes_nothing(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    with unchanged(uow):
        report = pull_requests.update_pull_request(
            uow, root, proj.repo.repo_name, pr.pull_request_id, update_commits=True)
    assert (report.added, report.common, report.removed) == ([], [], [])


def test_closing_through_update_votes_rejected(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    pull_requests.update_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id,
                                      close=True)
    assert pr.status == "closed"
    assert texts(uow, pr) == ["Closing with Status change > Rejected"]
    assert reviews.latest_votes(uow, pr) == {root.user_id: "rejected"}


def test_a_closed_pull_request_cannot_be_updated(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    comments.close_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id)
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        pull_requests.update_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id,
                                          title="late")
    assert refused.value.problem is ReviewProblem.UPDATE_CLOSED


# -- close ------------------------------------------------------------------------------------


def test_close_by_the_author_then_again(uow, root, proj):
    author = reader(uow, root, proj)
    pr = review.pull_request(uow, author, proj)
    name, prid = proj.repo.repo_name, pr.pull_request_id
    closed, comment = comments.close_pull_request(uow, author, name, prid)
    assert (closed is pr, pr.status, comment) == (True, "closed", None)
    with unchanged(uow), pytest.raises(ReviewError) as again:
        comments.close_pull_request(uow, author, name, prid)
    assert (again.value.problem, again.value.pull_request_id) == (ReviewProblem.ALREADY_CLOSED, prid)


def test_a_reader_who_is_not_the_author_cannot_close(uow, root, proj):
    pr, other = review.pull_request(uow, root, proj), reader(uow, root, proj)
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        comments.close_pull_request(uow, other, proj.repo.repo_name, pr.pull_request_id)
    assert refused.value.problem is ReviewProblem.CLOSE_DENIED
    assert pr.status == "new"


def test_close_with_a_message_and_a_vote(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    _, comment = comments.close_pull_request(
        uow, root, proj.repo.repo_name, pr.pull_request_id, message="done", status="approved")
    assert (comment.text, pr.status) == ("done", "closed")
    assert reviews.latest_votes(uow, pr) == {root.user_id: "approved"}


# -- comments and votes -----------------------------------------------------------------------


def test_reviewers_vote_readers_only_comment(uow, root, proj):
    bob, carol = reader(uow, root, proj), reader(uow, root, proj)
    pr = review.pull_request(uow, root, proj, reviewers=[bob.username])
    name, prid = proj.repo.repo_name, pr.pull_request_id
    comments.comment_pull_request(uow, bob, name, prid, None, "approved")
    comments.comment_pull_request(uow, carol, name, prid, "looks fine", "approved")
    assert reviews.latest_votes(uow, pr) == {root.user_id: "under_review", bob.user_id: "approved"}
    assert texts(uow, pr) == ["Status change > Approved", "looks fine"]
    with unchanged(uow), pytest.raises(ReviewError) as silent:
        comments.comment_pull_request(uow, carol, name, prid, None, "approved")
    assert silent.value.problem is ReviewProblem.COMMENT_EMPTY


@pytest.mark.parametrize("message, status, problem", [
    (None, None, ReviewProblem.COMMENT_EMPTY),
    ("", None, ReviewProblem.COMMENT_EMPTY),
    ("hi", "fantastic", ReviewProblem.BAD_STATUS),
])
def test_comments_that_say_nothing_or_vote_nonsense(uow, root, proj, message, status, problem):
    pr = review.pull_request(uow, root, proj)
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        comments.comment_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id,
                                      message, status)
    assert refused.value.problem is problem


def test_votes_still_count_on_a_closed_pull_request(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    comments.close_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id)
    comments.comment_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id, None,
                                  "rejected")
    assert reviews.latest_votes(uow, pr) == {root.user_id: "rejected"}


@pytest.mark.parametrize("reviewer_votes, status", [
    ([], "under_review"),
    (["approved", "approved"], "approved"),
    (["rejected", "rejected"], "rejected"),
    (["approved", "rejected"], "under_review"),
    (["approved", "not_reviewed"], "under_review"),
])
def test_the_review_status_needs_every_reviewer_to_agree(reviewer_votes, status):
    assert reviews.review_status(reviewer_votes) == status


def test_no_vote_on_a_commit_of_a_closed_pull_request(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    comments.close_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id)
    with unchanged(uow), pytest.raises(ReviewError) as refused:
        comments.comment_commit(uow, root, proj.repo.repo_name, proj.feature[0], "late", "approved")
    assert refused.value.problem is ReviewProblem.CLOSED_PR_STATUS
    comment, full_id, _ = comments.comment_commit(
        uow, root, proj.repo.repo_name, proj.feature[0][:12], "still fine to say")
    assert (full_id, comment.commit_id) == (proj.feature[0], proj.feature[0])


def test_a_comment_on_an_unknown_commit_fails(uow, root, proj):
    with unchanged(uow), pytest.raises(CommentFailed) as refused:
        comments.comment_commit(uow, root, proj.repo.repo_name, "f" * 40, "hi")
    assert refused.value.repo_name == proj.repo.repo_name


# -- merge (commits midway: its own unit of work) ---------------------------------------------


@both_kinds
def test_a_merge_makes_a_merge_commit_and_closes(committing_uow, kind):
    uow = committing_uow
    root = people.caller(uow, people.admin(uow))
    proj = review.project(uow, root, kind)
    pr = review.pull_request(uow, root, proj)
    assert pr_merge.mergeable(uow, pr) == {
        "status": True, "message": "This pull request can be automatically merged."}
    report = pr_merge.merge_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id)
    assert (report.possible, report.executed, report.failure_reason) == (True, True, 0)
    assert (pr.status, pr.merge_commit_id) == ("closed", report.merge_commit_id)
    history = log_ids(make.folder(uow, proj.repo), kind)
    assert report.merge_commit_id in history and proj.feature[0] in history
    assert texts(uow, pr)[-1] == "Pull request merged and closed"
    with pytest.raises(ReviewError) as again:
        pr_merge.merge_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id)
    assert again.value.problem is ReviewProblem.MERGE_CLOSED
    assert pr_merge.mergeable(uow, pr) == {"status": False, "message": "This pull request is closed."}


def test_a_conflict_is_reported_and_changes_nothing(committing_uow):
    uow = committing_uow
    root = people.caller(uow, people.admin(uow))
    proj = review.project(uow, root, "git")
    make.add_commits(uow, proj.repo, {"base.txt": "feature side\n"}, branch="feature")
    make.add_commits(uow, proj.repo, {"base.txt": "main side\n"})
    pr = review.pull_request(uow, root, proj)
    before = log_ids(make.folder(uow, proj.repo), "git")
    report = pr_merge.merge_pull_request(uow, root, proj.repo.repo_name, pr.pull_request_id)
    assert (report.possible, report.executed, report.merge_commit_id, report.failure_reason) == (
        False, False, None, 2)
    assert (pr.status, pr.merge_commit_id) == ("new", None)
    assert log_ids(make.folder(uow, proj.repo), "git") == before


def test_a_reader_cannot_merge(uow, root, proj):
    pr, other = review.pull_request(uow, root, proj), reader(uow, root, proj)
    with unchanged(uow), pytest.raises(NotFound) as refused:
        pr_merge.merge_pull_request(uow, other, proj.repo.repo_name, pr.pull_request_id)
    assert (refused.value.kind, refused.value.ident) == ("repository", proj.repo.repo_name)


def test_a_pull_request_of_another_repository_does_not_exist_here(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    elsewhere = make.repo(uow, root)
    with pytest.raises(NotFound) as refused:
        pull_requests.get_pull_request(uow, root, elsewhere.repo_name, pr.pull_request_id)
    assert (refused.value.kind, refused.value.ident) == ("pull request", pr.pull_request_id)
    assert pull_requests.get_pull_request(uow, root, proj.repo.repo_id, str(pr.pull_request_id)) is pr
