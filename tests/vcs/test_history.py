"""Refs with their last commit, file history across renames, and blame, on both backends."""

from __future__ import annotations

import pytest

from tests.vcs.conftest import AUTHOR
from vcshub.vcs import NodeNotFound


@pytest.fixture
def renamed(server, work):
    """0 add a.txt; 1 change a.txt; 2 rename a.txt → b.txt; 3 other file; 4 change b.txt."""
    ids = []
    work.write("a.txt", "one\ntwo\n")
    ids.append(work.commit("add a"))
    work.write("a.txt", "one\ntwo\nthree\n")
    ids.append(work.commit("third line"))
    work.rename("a.txt", "b.txt")
    ids.append(work.commit("rename a to b"))
    work.write("other.txt", "x\n")
    ids.append(work.commit("unrelated"))
    work.write("b.txt", "ONE\ntwo\nthree\n")
    ids.append(work.commit("shout\n\nthe first line"))
    work.push()
    return ids


def test_file_history_follows_the_rename(server, renamed):
    history, more = server.file_history("tip", "b.txt")
    assert [(r.commit_id, r.path) for r in history] == [
        (renamed[4], "b.txt"), (renamed[2], "b.txt"), (renamed[1], "a.txt"), (renamed[0], "a.txt"),
    ]
    assert more is False
    assert history[0].summary == "shout"
    assert history[0].author == AUTHOR
    assert history[0].date == server.get_commit(renamed[4]).date


def test_file_history_pages(server, renamed):
    first, more = server.file_history("tip", "b.txt", skip=0, limit=2)
    assert [r.commit_id for r in first] == [renamed[4], renamed[2]] and more
    second, more = server.file_history("tip", "b.txt", skip=2, limit=2)
    assert [r.commit_id for r in second] == [renamed[1], renamed[0]] and not more


def test_file_history_at_an_older_revision(server, renamed):
    history, _more = server.file_history(renamed[3], "b.txt")
    assert [r.commit_id for r in history] == [renamed[2], renamed[1], renamed[0]]


@pytest.mark.parametrize("path", ["nope.txt", "", "../x"])
def test_file_history_of_a_missing_file(server, renamed, path):
    with pytest.raises(NodeNotFound):
        server.file_history("tip", path)


def test_annotate_across_the_rename(server, renamed):
    lines = server.annotate("tip", "b.txt")
    assert [(l.line, l.commit_id, l.text) for l in lines] == [
        (1, renamed[4], "ONE"), (2, renamed[0], "two"), (3, renamed[1], "three"),
    ]
    assert lines[1].author == AUTHOR
    assert lines[1].date == server.get_commit(renamed[0]).date


def test_annotate_a_directory_is_refused(server, populated):
    with pytest.raises(NodeNotFound):
        server.annotate("tip", "docs")


def test_ref_commits(server, work, populated):
    ids = populated.ids
    work.branch("feature")
    work.write("f.txt", "f\n")
    feature = work.commit("feature work\n\nbody")
    work.switch(populated.main_branch)
    work.tag("v1", ids[0])
    if server.kind == "hg":
        work.bookmark("mark", ids[1])
    work.push(bookmarks=("mark",) if server.kind == "hg" else ())
    refs = {(r.kind, r.name): r for r in server.ref_commits()}
    assert refs[("branch", "feature")].commit_id == feature
    assert refs[("branch", "feature")].summary == "feature work"
    assert refs[("branch", "feature")].author == AUTHOR
    assert refs[("tag", "v1")].commit_id == ids[0]
    assert refs[("tag", "v1")].date == server.get_commit(ids[0]).date
    main = refs[("branch", populated.main_branch)]
    assert main.commit_id == server.branches()[populated.main_branch]
    if server.kind == "hg":
        assert refs[("bookmark", "mark")].commit_id == ids[1]
    else:
        assert not any(kind == "bookmark" for kind, _name in refs)


def test_history_and_blame_are_the_same_after_housekeeping(server, renamed):
    """git: housekeeping writes a commit-graph with changed-path filters, which the walks use."""
    before = (server.file_history("tip", "b.txt"), server.annotate("tip", "b.txt"))
    server.housekeep()
    assert (server.file_history("tip", "b.txt"), server.annotate("tip", "b.txt")) == before


def test_a_path_with_glob_characters_is_taken_literally(server, work):
    work.write("a*.txt", "star\n")
    work.write("ab.txt", "b\n")
    first = work.commit("both")
    work.write("ab.txt", "b2\n")
    work.commit("only ab")
    work.push()
    history, _more = server.file_history("tip", "a*.txt")
    assert [r.commit_id for r in history] == [first]
    assert [l.text for l in server.annotate("tip", "a*.txt")] == ["star"]
