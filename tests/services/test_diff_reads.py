"""What the diff pages read besides the diff: a commit's comments, and a comparison whose commit
list is capped (git and hg, both databases)."""

from __future__ import annotations

import pytest

from tests.factories import repos as repo_factory
from vcshub.services import comments, repo_contents
from vcshub.services.comments import CommentOptions


@pytest.fixture(params=["git", "hg"])
def kind(request) -> str:
    return request.param


def test_commit_comments_with_their_place(uow, root, kind):
    repo = repo_factory.repo(uow, root, kind=kind)
    first, second = repo_factory.add_commits(uow, repo, {"a.py": "a\n"}, {"a.py": "b\n"})
    name = repo.repo_name
    comments.comment_commit(uow, root, name, second, "on line 1",
                            options=CommentOptions(f_path="a.py", line_no="n1"))
    comments.comment_commit(uow, root, name, second[:12], "general")  # a short id: stored full
    comments.comment_commit(uow, root, name, second, "odd place",
                            options=CommentOptions(f_path="a.py", line_no="line one"))
    comments.comment_commit(uow, root, name, first, "on the other commit")
    found = repo_contents.commit_comments(uow, repo, second)
    assert [(c.text, c.f_path, c.side, c.line, c.inline) for c in found] == [
        ("on line 1", "a.py", "new", 1, True),
        ("general", None, None, None, False),
        ("odd place", "a.py", None, None, False),  # not a place in the diff: the list only
    ]
    assert found[0].author == root.user.username and found[0].created_on.tzinfo is not None
    assert [c.text for c in repo_contents.commit_comments(uow, repo, first)] == ["on the other commit"]
    other = repo_factory.repo(uow, root, kind=kind)
    assert repo_contents.commit_comments(uow, other, second) == []  # per repository


def test_compare_caps_the_commits_it_reads(uow, root, kind):
    repo = repo_factory.repo(uow, root, kind=kind, commits=({"a": "a\n"},))
    feature = repo_factory.add_commits(uow, repo, *({"f": f"{n}\n"} for n in range(5)),
                                       branch="feature")
    base = "master" if kind == "git" else "default"
    capped = repo_contents.compare(uow, repo, base, feature[-1], max_commits=3)
    assert [c.raw_id for c in capped.commits] == feature[:3]  # the oldest
    assert capped.more_commits == 2
    whole = repo_contents.compare(uow, repo, base, feature[-1])
    assert [c.raw_id for c in whole.commits] == feature and whole.more_commits == 0
