"""Commit resolution, history listing, changes and diffs."""

from __future__ import annotations

from datetime import datetime

import pytest

from vcshub.vcs import EMPTY_COMMIT, CommitNotFound, split_diff

from .conftest import AUTHOR, UNICODE_NAME


def test_commit_fields(server, populated):
    ids = populated.ids
    commit = server.get_commit(ids[1])
    assert commit.raw_id == ids[1]
    assert commit.short_id == ids[1][:12]
    assert commit.index == 1
    assert commit.author == AUTHOR
    assert commit.message.strip() == "second: add, modify, delete"
    assert commit.summary == "second: add, modify, delete"
    assert commit.parents == [ids[0]]
    assert server.get_commit(ids[0]).parents == []
    assert isinstance(commit.date, datetime) and commit.date.tzinfo is None
    assert server.get_commit(ids[0]).date < commit.date
    assert commit.branch == populated.main_branch
    assert not commit.is_merge
    assert commit.repository is server


@pytest.mark.parametrize("how", ["full", "short", "short7", "index", "tip",
                                 "none", "branch"])
def test_get_commit_by(how, server, populated):
    ids = populated.ids
    rev = {
        "full": ids[2], "short": ids[2][:12], "short7": ids[2][:7], "index": 2,
        "tip": "tip", "none": None, "branch": populated.main_branch,
    }[how]
    commit = server.get_commit(rev)
    assert commit.raw_id == ids[2]
    assert commit.index == 2


def test_get_commit_by_digit_string_and_tag(server, work, populated):
    ids = populated.ids
    assert server.get_commit("0").raw_id == ids[0]
    assert server.get_commit("1").index == 1
    work.tag("release-1", ids[0])
    work.push()
    assert server.get_commit("release-1").raw_id == ids[0]


@pytest.mark.parametrize("rev", ["deadbeefdeadbeef", "no-such-branch", 99, -1,
                                 "", "0" * 40, "..", "999999"])
def test_unknown_revision(rev, server, populated):
    with pytest.raises(CommitNotFound):
        server.get_commit(rev)


def test_ambiguous_short_id(kind, server, work, populated):
    # With enough commits, some pair shares a 4-char prefix... or not: only
    # assert that a 4-char prefix resolves to a unique commit or raises.
    prefix = populated.ids[0][:4]
    try:
        assert server.get_commit(prefix).raw_id.startswith(prefix)
    except CommitNotFound:
        pass


def test_commits_listing(server, work, populated):
    ids = populated.ids
    for i in range(3):
        work.write(f"more{i}.txt", f"{i}\n")
        ids.append(work.commit(f"more {i}"))
    work.push()
    assert server.commit_count() == 6
    assert [c.raw_id for c in server.commits()] == ids
    assert [c.index for c in server.commits()] == list(range(6))
    assert [c.raw_id for c in server.commits(start=2, limit=3)] == ids[2:5]
    assert [c.raw_id for c in server.commits(start=ids[3], limit=2)] == ids[3:5]
    assert [c.raw_id for c in server.commits(start=ids[4])] == ids[4:]
    assert [c.raw_id for c in server.commits(start=1, limit=-1)] == ids[1:]
    assert server.commits(start=10) == []
    assert server.commits(limit=0) == []
    listed = server.commits(start=1, limit=1)[0]
    assert listed.author == AUTHOR and listed.parents == [ids[0]]
    with pytest.raises(CommitNotFound):
        server.commits(start="not-a-rev")


def test_changes_without_diff(server, populated):
    changes = server.get_commit(populated.ids[1]).changes()
    assert [(c.op, c.path) for c in changes] == [
        ("A", "img.bin"), ("A", UNICODE_NAME), ("M", "README.md"),
        ("D", "src/main.py"),
    ]
    added, modified, deleted = changes[0], changes[2], changes[3]
    assert added.old_id is None and len(added.new_id) == 40
    assert modified.old_id and modified.new_id and modified.old_id != modified.new_id
    assert deleted.new_id is None and len(deleted.old_id) == 40
    assert all(c.raw_diff is None for c in changes)


def test_changes_with_diff(server, populated):
    changes = {c.path: c for c in server.get_commit(populated.ids[1]).changes(with_diff=True)}
    readme = changes["README.md"]
    assert (readme.added_lines, readme.deleted_lines) == (2, 1)
    assert "-hello" in readme.raw_diff and "+Hello" in readme.raw_diff
    assert readme.raw_diff.startswith("diff --git")
    assert changes["src/main.py"].deleted_lines == 2
    assert changes["src/main.py"].added_lines == 0
    assert changes[UNICODE_NAME].added_lines == 1
    assert changes["img.bin"].binary
    assert not readme.binary
    assert "Binary file" in changes["img.bin"].raw_diff


def test_root_commit_changes(server, populated):
    changes = server.get_commit(populated.ids[0]).changes(with_diff=True)
    assert [c.op for c in changes] == ["A"] * 4
    assert [c.path for c in changes] == sorted(c.path for c in changes)
    assert sum(c.added_lines for c in changes) == 6


def test_diff_between_revisions(server, populated):
    ids = populated.ids
    text = server.diff(ids[0], ids[2])
    pieces = {p.path: p for p in split_diff(text)}
    assert set(pieces) == {"README.md", "docs/api.rst", "img.bin",
                           UNICODE_NAME, "src/main.py"}
    assert pieces["src/main.py"].new_path is None
    assert pieces["img.bin"].old_path is None and pieces["img.bin"].binary
    assert pieces["docs/api.rst"].added_lines == 2
    only_docs = server.diff(ids[0], ids[2], "docs")
    assert [p.path for p in split_diff(only_docs)] == ["docs/api.rst"]
    assert server.diff(ids[2], ids[2]) == ""
    from_nothing = server.diff(None, ids[0])
    assert len(split_diff(from_nothing)) == 4
    assert server.get_commit(ids[2]).diff() == server.diff(ids[1], ids[2])


def test_merge_commit(kind, server, work, populated):
    work.branch("side")
    work.write("side.txt", "side\n")
    side = work.commit("side")
    work.switch(populated.main_branch)
    work.write("main.txt", "main\n")
    main = work.commit("main")
    from .conftest import HG, run
    if kind == "git":
        run(["git", "merge", "-q", "--no-ff", "--no-commit", "side"], cwd=work.path)
    else:
        run([HG, "merge", "-q", "side"], cwd=work.path)
    merge = work.commit("merge")
    work.push()
    commit = server.get_commit(merge)
    assert commit.is_merge
    assert commit.parents == [main, side]
    assert [(c.op, c.path) for c in commit.changes()] == [("A", "side.txt")]
    assert server.commit_count() == 6
    indexes = {c.raw_id: c.index for c in server.commits()}
    assert indexes[merge] > indexes[main] and indexes[merge] > indexes[side]


def test_empty_commit_constant(kind):
    assert EMPTY_COMMIT.raw_id == "0" * 40
    assert EMPTY_COMMIT.short_id == "0" * 12
    assert EMPTY_COMMIT.index == -1
    assert EMPTY_COMMIT.message == "" and EMPTY_COMMIT.author == ""
    assert EMPTY_COMMIT.parents == []
    assert EMPTY_COMMIT.date == datetime.fromtimestamp(0)
    assert EMPTY_COMMIT.changes() == []


def test_indexes_stable_after_push(server, work, populated):
    before = {c.raw_id: c.index for c in server.commits()}
    work.branch("later")
    work.write("later.txt", "later\n")
    later = work.commit("later")
    work.push()
    after = {c.raw_id: c.index for c in server.commits()}
    assert {k: after[k] for k in before} == before
    assert after[later] == 3
    assert server.get_commit(3).raw_id == later


def test_reindex_after_strip(server, work, populated):
    ids = populated.ids
    server.commits()  # build any index cache before stripping
    server.strip(ids[2], populated.main_branch)
    assert [c.raw_id for c in server.commits()] == ids[:2]
    work.write("again.txt", "again\n")
    # The working copy still has the stripped commit: push a sibling.
    if work.kind == "git":
        from .conftest import run
        run(["git", "reset", "-q", "--hard", ids[1]], cwd=work.path)
        work.write("again.txt", "again\n")
        new = work.commit("again")
        run(["git", "push", "-q", "-f", "origin", "master"], cwd=work.path)
    else:
        from .conftest import HG, run
        run([HG, "update", "-q", "-C", ids[1]], cwd=work.path)
        work.write("again.txt", "again\n")
        new = work.commit("again")
        run([HG, "push", "-q", "-f", "-r", new], cwd=work.path, ok_codes=(0, 1))
    assert [c.raw_id for c in server.commits()] == ids[:2] + [new]
    assert server.get_commit("tip").raw_id == new
