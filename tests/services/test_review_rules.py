"""The review rules called directly: the repository's VCS settings (site values, its own,
inheritance), what they and open TODOs hold against a merge, reopening, the outdated-comments
setting on Update commits, and a comment's kept edit history."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.factories import people
from tests.factories import repos as make
from tests.factories import reviews as review
from tests.factories.commits import WorkingCopy
from vcshub.services import comments, pr_merge, pull_requests, repo_vcs_settings
from vcshub.services.errors import AccessDenied, Invalid, ReviewError, ReviewProblem, StaleComment
from vcshub.services.site_settings import set_setting

APPROVAL = repo_vcs_settings.APPROVAL_REQUIRED


@pytest.fixture
def proj(uow, root):
    return review.project(uow, root, "git")


def test_site_values_then_the_repository_own_unless_it_inherits(uow, root, proj):
    name = proj.repo.repo_name
    assert repo_vcs_settings.effective(uow, proj.repo)[APPROVAL] is False
    set_setting(uow, APPROVAL, "True")  # the site asks for approval everywhere
    assert repo_vcs_settings.get_repo_settings(uow, root, name, APPROVAL) is True
    repo_vcs_settings.set_repo_settings(uow, root, name, {APPROVAL: False})
    assert repo_vcs_settings.effective(uow, proj.repo)[APPROVAL] is False
    repo_vcs_settings.set_repo_settings(uow, root, name, {"inherit_global_settings": True})
    assert repo_vcs_settings.effective(uow, proj.repo)[APPROVAL] is True
    with pytest.raises(Invalid):
        repo_vcs_settings.set_repo_settings(uow, root, name, {"phases_publish": True})
    someone = people.caller(uow, people.user(uow))
    with pytest.raises(AccessDenied):
        repo_vcs_settings.get_repo_settings(uow, someone, name)


def test_approval_and_todos_hold_a_merge_back(uow, root, proj):
    bob = people.user(uow)
    pr = review.pull_request(uow, root, proj, reviewers=[bob.username])
    name = proj.repo.repo_name
    assert pr_merge.refusals(uow, pr) == []
    repo_vcs_settings.set_repo_settings(uow, root, name, {APPROVAL: True})
    options = comments.CommentOptions(comment_type="todo")
    _, todo = comments.comment_pull_request(uow, root, name, pr.pull_request_id, "t", None,
                                            options=options)
    comments.comment_pull_request(uow, root, name, pr.pull_request_id, "t2", None,
                                  options=options)
    assert pr_merge.refusals(uow, pr) == ["Pull request reviewer approval is pending.",
                                          "Cannot merge, 2 TODOs still not resolved."]
    assert pr_merge.mergeable(uow, pr)["status"] is False
    bobs = people.caller(uow, bob)
    comments.comment_pull_request(uow, bobs, name, pr.pull_request_id, None, "approved")
    comments.comment_pull_request(uow, root, name, pr.pull_request_id, "done", None,
                                  options=comments.CommentOptions(
                                      resolves_comment_id=todo.comment_id))
    assert pr_merge.refusals(uow, pr) == ["Cannot merge, 1 TODO still not resolved."]


def test_reopen_only_what_was_closed_unmerged(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    name, number = proj.repo.repo_name, pr.pull_request_id
    with pytest.raises(ReviewError) as open_one:
        pull_requests.reopen(uow, root, name, number)
    assert open_one.value.problem is ReviewProblem.NOT_REOPENABLE
    pull_requests.update_pull_request(uow, root, name, number, close=True)
    assert pull_requests.reopen(uow, root, name, number).status == "new"
    pr.status, pr.merge_commit_id = "closed", "0" * 40  # as a merge leaves it
    with pytest.raises(ReviewError) as merged:
        pull_requests.reopen(uow, root, name, number)
    assert merged.value.problem is ReviewProblem.NOT_REOPENABLE


@pytest.mark.parametrize("outdated", [True, False])
def test_update_commits_outdates_comments_as_the_setting_says(uow, root, proj, outdated):
    pr = review.pull_request(uow, root, proj)
    name = proj.repo.repo_name
    repo_vcs_settings.set_repo_settings(uow, root, name,
                                        {repo_vcs_settings.OUTDATED_COMMENTS: outdated})
    _, said = comments.comment_pull_request(uow, root, name, pr.pull_request_id, "before")
    folder = make.folder(uow, proj.repo)
    with tempfile.TemporaryDirectory() as tmp:
        work = WorkingCopy.clone(folder, Path(tmp) / "w", "git")
        work.continue_branch("feature")
        work.commit({"more.txt": "more\n"}, "more")
        work.push("feature")
    report = pull_requests.update_pull_request(uow, root, name, pr.pull_request_id,
                                               update_commits=True)
    assert report.added
    assert (said.pull_request_version_id is not None) is outdated


def test_edits_keep_the_earlier_texts_and_refuse_a_stale_version(uow, root, proj):
    pr = review.pull_request(uow, root, proj)
    _, said = comments.comment_pull_request(uow, root, proj.repo.repo_name,
                                            pr.pull_request_id, "one")
    assert comments.edit_comment(uow, root, said.comment_id, "two", version=0)[1] == 1
    assert comments.edit_comment(uow, root, said.comment_id, "three", version="1")[1] == 2
    with pytest.raises(StaleComment):
        comments.edit_comment(uow, root, said.comment_id, "four", version=1)
    assert [v.text for v in comments.history(uow, said)] == ["one", "two"]
    assert said.text == "three" and comments.last_version(uow, said) == 2
