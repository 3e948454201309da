"""Editing and deleting a comment (services.comments): the author, a super-admin or an
administrator of the comment's repository may; a reader may not, and a comment he cannot read
(or one outside the page's place) does not exist for him. Nobody comments as the anonymous
user. A deleted comment takes its vote with it and re-opens the TODO it resolved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import people
from tests.factories import repos as repo_factory
from vcshub.db.models import Comment, ReviewStatus
from vcshub.services import comments, repo_contents, repo_permissions
from vcshub.services.comments import CommentOptions, Place
from vcshub.services.errors import AccessDenied, Invalid, NotCommentAuthor, NotFound


@pytest.fixture
def scene(uow, root):
    repo = repo_factory.repo(uow, root, private=True)
    first, second = repo_factory.add_commits(uow, repo, {"a.py": "a\n"}, {"a.py": "b\n"})
    callers = {}
    for role, perm in (("author", "repository.read"), ("reader", "repository.read"),
                       ("repo_admin", "repository.admin")):
        user = people.user(uow)
        repo_permissions.grant_user(uow, root, repo, user, perm)
        callers[role] = people.caller(uow, user)
    callers["outsider"] = people.caller(uow, people.user(uow))
    callers["root"] = root
    comment, _, _ = comments.comment_commit(uow, callers["author"], repo.repo_name, second,
                                            "first text", "approved")
    return repo, first, second, comment.comment_id, callers


def _text(uow, comment_id):
    found = uow.db.get(Comment, comment_id)
    uow.db.refresh(found)
    return found.text


@pytest.mark.parametrize("who", ["author", "repo_admin", "root"])
def test_author_and_administrators_edit(uow, scene, who):
    repo, _first, second, cid, callers = scene
    comments.edit_comment(uow, callers[who], cid, f"edited by {who}", Place(repo.repo_id, second))
    assert _text(uow, cid) == f"edited by {who}"


def test_a_reader_may_not_edit_nor_delete(uow, scene):
    _repo, _first, _second, cid, callers = scene
    with pytest.raises(NotCommentAuthor):
        comments.edit_comment(uow, callers["reader"], cid, "hijacked")
    with pytest.raises(NotCommentAuthor):
        comments.delete_comment(uow, callers["reader"], cid)
    assert isinstance(NotCommentAuthor(), AccessDenied)  # the pages' and API's 403 family
    assert _text(uow, cid) == "first text"


def test_unreadable_missing_or_misplaced_comments_do_not_exist(uow, scene, root):
    repo, first, second, cid, callers = scene
    for ident in (cid, 10**15, "x", -1):
        with pytest.raises(NotFound):
            comments.edit_comment(uow, callers["outsider"] if ident == cid else root, ident, "t")
    with pytest.raises(NotFound):  # the right repository, another commit
        comments.delete_comment(uow, callers["author"], cid, Place(repo.repo_id, first))
    other = repo_factory.repo(uow, root)
    with pytest.raises(NotFound):  # an id typed into another repository's page
        comments.delete_comment(uow, root, cid, Place(other.repo_id, second))
    assert _text(uow, cid) == "first text"


def test_an_empty_edit_is_refused(uow, scene):
    _repo, _first, _second, cid, callers = scene
    for text in ("", "  \n", None):
        with pytest.raises(Invalid):
            comments.edit_comment(uow, callers["author"], cid, text)
    assert _text(uow, cid) == "first text"


def test_delete_takes_the_vote_and_reopens_the_todo(uow, scene):
    repo, _first, second, cid, callers = scene
    author = callers["author"]
    todo, _, _ = comments.comment_commit(uow, author, repo.repo_name, second, "fix it",
                                         options=CommentOptions(comment_type="todo"))
    fix, _, _ = comments.comment_commit(
        uow, callers["reader"], repo.repo_name, second, "fixed",
        options=CommentOptions(resolves_comment_id=todo.comment_id))
    records = {r.comment_id: r for r in repo_contents.commit_comments(uow, repo, second)}
    assert records[cid].status == "approved" and records[cid].author_id == author.user_id
    assert records[todo.comment_id].resolved_by == fix.comment_id
    assert records[fix.comment_id].resolves == todo.comment_id

    comments.delete_comment(uow, author, cid, Place(repo.repo_id, second))
    comments.delete_comment(uow, callers["reader"], fix.comment_id)
    assert uow.db.scalars(select(ReviewStatus).where(ReviewStatus.commit_id == second)).all() == []
    left = repo_contents.commit_comments(uow, repo, second)
    assert [(r.comment_id, r.resolved_by) for r in left] == [(todo.comment_id, None)]


def test_deleting_a_resolved_todo_keeps_its_resolution(uow, scene):
    repo, _first, second, _cid, callers = scene
    todo, _, _ = comments.comment_commit(uow, callers["author"], repo.repo_name, second, "todo",
                                         options=CommentOptions(comment_type="todo"))
    fix, _, _ = comments.comment_commit(
        uow, callers["author"], repo.repo_name, second, "done",
        options=CommentOptions(resolves_comment_id=todo.comment_id))
    comments.delete_comment(uow, callers["author"], todo.comment_id)
    left = {r.comment_id: r for r in repo_contents.commit_comments(uow, repo, second)}
    assert todo.comment_id not in left and left[fix.comment_id].resolves is None


def test_changeable_ids_follow_the_rule(uow, scene):
    repo, _first, second, cid, callers = scene
    other, _, _ = comments.comment_commit(uow, callers["reader"], repo.repo_name, second, "mine")
    authors = {r.comment_id: r.author_id for r in repo_contents.commit_comments(uow, repo, second)}
    assert comments.changeable_ids(callers["author"], repo, authors) == {cid}
    assert comments.changeable_ids(callers["reader"], repo, authors) == {other.comment_id}
    assert comments.changeable_ids(callers["repo_admin"], repo, authors) == {cid, other.comment_id}
    assert comments.changeable_ids(callers["root"], repo, authors) == {cid, other.comment_id}
    anonymous = people.caller(uow, people.default_user(uow))
    assert comments.changeable_ids(anonymous, repo, authors) == frozenset()
    assert comments.changeable_ids(None, repo, authors) == frozenset()


def test_the_anonymous_user_may_not_comment(uow, root):
    repo = repo_factory.repo(uow, root)  # public: the default user reads it
    [commit] = repo_factory.add_commits(uow, repo, {"a.py": "a\n"})
    anonymous = people.caller(uow, people.default_user(uow))
    with pytest.raises(AccessDenied):
        comments.comment_commit(uow, anonymous, repo.repo_name, commit, "hello")
    assert repo_contents.commit_comments(uow, repo, commit) == []
