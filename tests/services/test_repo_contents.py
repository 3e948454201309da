"""The read service: refs, file history, annotate and compare, on git and hg, both databases.

Who may read is the same decision for every reader (a private repository is missing to others),
and an unknown revision or path raises the VCS layer's error.
"""

from __future__ import annotations

import pytest

from tests.factories import people
from tests.factories import repos as repo_factory
from tests.factories.repos import MAIN
from vcshub import vcs
from vcshub.services import repo_contents
from vcshub.services.errors import NotFound


@pytest.fixture(params=["git", "hg"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def history(uow, root, kind):
    """0 add a.txt + d/x.txt; 1 change a.txt; 2 change d/x.txt; 3 change a.txt line 1."""
    repo = repo_factory.repo(uow, root, kind=kind)
    ids = repo_factory.add_commits(
        uow, repo,
        {"a.txt": "one\ntwo\n", "d/x.txt": "x\n"},
        {"a.txt": "one\ntwo\nthree\n"},
        {"d/x.txt": "x\ny\n"},
        {"a.txt": "ONE\ntwo\nthree\n"},
    )
    return repo, ids


def test_file_history_lists_the_commits_that_changed_the_file(uow, history):
    repo, ids = history
    found = repo_contents.file_history(uow, repo, "tip", "a.txt")
    assert [r.commit_id for r in found.revisions] == [ids[3], ids[1], ids[0]]
    assert {r.path for r in found.revisions} == {"a.txt"}
    assert found.revisions[0].summary == "commit 3"
    assert found.revisions[0].date.tzinfo is not None
    assert (found.commit.raw_id, found.page, found.has_next) == (ids[3], 1, False)


def test_file_history_pages(uow, history):
    repo, ids = history
    first = repo_contents.file_history(uow, repo, "tip", "a.txt", page=1, per_page=2)
    second = repo_contents.file_history(uow, repo, "tip", "a.txt", page=2, per_page=2)
    assert ([r.commit_id for r in first.revisions], first.has_next) == ([ids[3], ids[1]], True)
    assert ([r.commit_id for r in second.revisions], second.has_next) == ([ids[0]], False)


def test_file_history_from_an_older_revision(uow, history):
    repo, ids = history
    found = repo_contents.file_history(uow, repo, ids[2], "a.txt")
    assert [r.commit_id for r in found.revisions] == [ids[1], ids[0]]


@pytest.mark.parametrize("path", ["missing.txt", "d", "../etc/passwd"])
def test_file_history_of_what_is_not_a_file(uow, history, path):
    repo, _ids = history
    with pytest.raises(vcs.NodeNotFound):
        repo_contents.file_history(uow, repo, "tip", path)


def test_unknown_revision(uow, history):
    repo, _ids = history
    for read in (repo_contents.file_history, repo_contents.annotate):
        with pytest.raises(vcs.CommitNotFound):
            read(uow, repo, "no-such-rev", "a.txt")


def test_annotate(uow, history):
    repo, ids = history
    found = repo_contents.annotate(uow, repo, "tip", "a.txt")
    assert [(l.line, l.commit_id, l.text) for l in found.lines] == [
        (1, ids[3], "ONE"), (2, ids[0], "two"), (3, ids[1], "three"),
    ]
    assert found.path == "a.txt" and found.commit.raw_id == ids[3]
    assert found.lines[0].author == found.commit.author


def test_refs(uow, root, history, kind):
    repo, ids = history
    feature = repo_factory.add_commits(uow, repo, {"f.txt": "f\n"}, branch="feature")
    found = repo_contents.refs(uow, repo)
    by_name = {r.name: r for r in found.branches}
    assert by_name[MAIN[kind]].commit_id == ids[3]
    assert by_name["feature"].commit_id == feature[0]
    assert by_name["feature"].summary == "commit 0"
    assert by_name["feature"].date.tzinfo is not None
    assert found.bookmarks == []
    if kind == "git":
        assert found.tags == []


def test_ref_names_lists_names_by_kind_sorted(uow, root, history, kind):
    repo, ids = history
    repo_factory.add_commits(uow, repo, {"f.txt": "f\n"}, branch="feature")
    repo_factory.add_commits(uow, repo, {"g.txt": "g\n"}, branch="alpha")
    names = repo_contents.ref_names(uow, repo)
    assert names["branch"] == sorted([MAIN[kind], "feature", "alpha"])
    assert names["bookmark"] == []
    assert set(names) == {"branch", "tag", "bookmark"}


def test_compare_within_a_repository(uow, history):
    repo, ids = history
    feature = repo_factory.add_commits(uow, repo, {"f.txt": "f\n"}, {"a.txt": "changed\n"},
                                       branch="feature")
    found = repo_contents.compare(uow, repo, ids[3], feature[1])
    assert [c.raw_id for c in found.commits] == feature
    assert found.ancestor == ids[3]
    assert sorted((f.path, f.operation) for f in found.files) == [
        ("a.txt", "modified"), ("f.txt", "added")]
    assert repo_contents.compare(uow, repo, feature[1], ids[3]).commits == []


def test_compare_across_forks(uow, root, history, kind):
    repo, ids = history
    fork = repo_factory.repo(uow, root, kind=kind)
    repo_factory.copy_history(uow, repo, fork)
    ahead = repo_factory.add_commits(uow, fork, {"new.txt": "n\n"}, {"new.txt": "n2\n"})
    behind = repo_factory.add_commits(uow, repo, {"a.txt": "moved on\n"})
    found = repo_contents.compare(uow, repo, behind[0], ahead[1], head_repo_name=fork.repo_name)
    assert [c.raw_id for c in found.commits] == ahead
    assert found.ancestor == ids[3]
    [added] = found.files
    assert (added.path, added.operation, added.old_path) == ("new.txt", "added", None)
    assert [(l.kind, l.new, l.text) for l in added.hunks[0].lines] == [("added", 1, "n2")]


def test_a_private_repository_is_missing_to_others(uow, root, kind):
    repo = repo_factory.repo(uow, root, kind=kind, private=True, commits=({"a": "a\n"},))
    stranger = people.user(uow)
    with pytest.raises(NotFound):
        repo_contents.readable_repo(uow, stranger, repo.repo_name)
    with pytest.raises(NotFound):
        repo_contents.open_readable(uow, people.caller(uow, stranger), repo.repo_name)
    assert repo_contents.readable_repo(uow, people.admin(uow), repo.repo_name) == repo


def test_changeset_diff(uow, history):
    repo, ids = history
    found = repo_contents.changeset_diff(uow, repo, ids[3])
    assert found.commit.raw_id == ids[3] and found.omitted == 0
    [changed] = found.files
    assert (changed.path, changed.operation, changed.binary, changed.mode_changed) == (
        "a.txt", "modified", False, False)
    lines = [(l.kind, l.old, l.new, l.text) for l in changed.hunks[0].lines]
    assert lines == [("deleted", 1, None, "one"), ("added", None, 1, "ONE"),
                     ("context", 2, 2, "two"), ("context", 3, 3, "three")]


def test_changeset_diff_ignoring_whitespace(uow, history):
    repo, _ids = history
    [spaced] = repo_factory.add_commits(uow, repo, {"a.txt": "ONE\n  two\nthree\n"})
    assert repo_contents.changeset_diff(uow, repo, spaced).files[0].hunks
    quiet = repo_contents.changeset_diff(uow, repo, spaced, ignore_whitespace=True)
    assert all(not f.hunks for f in quiet.files)


def test_changeset_diff_leaves_out_what_is_past_the_budget(uow, history):
    repo, ids = history
    found = repo_contents.changeset_diff(uow, repo, ids[0], max_chars=10)
    assert [f.hunks for f in found.files] == [None, None] and found.omitted == 2


def test_compare_checks_the_fork_it_reads(uow, root, history, kind):
    """The head's repository is checked by compare itself: a private fork the viewer may not
    read answers like a missing one, whoever checked the base."""
    repo, ids = history
    fork = repo_factory.repo(uow, root, kind=kind, private=True)
    repo_factory.copy_history(uow, repo, fork)
    with pytest.raises(NotFound):
        repo_contents.compare(uow, repo, ids[3], ids[3], head_repo_name=fork.repo_name)
    found = repo_contents.compare(uow, repo, ids[3], ids[3], head_repo_name=fork.repo_name,
                                  viewer=people.admin(uow))
    assert found.commits == []
