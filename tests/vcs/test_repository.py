"""Repository-level behaviour: create/open/detect, refs, clone, fetch,
strip and size, for both backends."""

from __future__ import annotations

import pytest

from vcshub.vcs import (
    CloneError,
    CommitNotFound,
    RepositoryError,
    RepositoryNotFound,
    clone_repository,
    create_repository,
    detect_kind,
    open_repository,
)

from .conftest import WorkingCopy


def test_create_detect_open(kind, tmp_path):
    path = tmp_path / "repo"
    repo = create_repository(path, kind)
    assert repo.kind == kind
    assert repo.path == path
    assert detect_kind(path) == kind
    if kind == "git":  # bare: no work tree
        assert (path / "HEAD").is_file() and (path / "objects").is_dir()
        assert not (path / ".git").exists()
    else:
        assert (path / ".hg").is_dir()
    reopened = open_repository(path)
    assert type(reopened) is type(repo)
    assert open_repository(path, kind).kind == kind
    other = "hg" if kind == "git" else "git"
    with pytest.raises(RepositoryNotFound):
        open_repository(path, other)


def test_open_missing_and_plain_folder(kind, tmp_path):
    assert detect_kind(tmp_path / "nope") is None
    with pytest.raises(RepositoryNotFound):
        open_repository(tmp_path / "nope", kind)
    (tmp_path / "plain").mkdir()
    assert detect_kind(tmp_path / "plain") is None
    with pytest.raises(RepositoryNotFound):
        open_repository(tmp_path / "plain")


def test_create_refuses_non_empty_folder(kind, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "file.txt").write_text("x")
    with pytest.raises(RepositoryError):
        create_repository(target, kind)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert create_repository(empty, kind).is_empty()


def test_create_unknown_kind(kind, tmp_path):
    with pytest.raises(Exception):
        create_repository(tmp_path / "x", kind + "-nope")


def test_empty_repository(server):
    assert server.is_empty()
    assert server.commit_count() == 0
    assert server.commits() == []
    assert server.branches() == {}
    assert server.tags() == {}
    assert server.bookmarks() == {}
    with pytest.raises(CommitNotFound):
        server.get_commit()
    with pytest.raises(CommitNotFound):
        server.get_commit("tip")
    with pytest.raises(CommitNotFound):
        server.get_commit(0)


def test_branches_tags_bookmarks(kind, server, work, populated):
    ids = populated.ids
    work.branch("feature")
    work.write("feature.txt", "feature\n")
    feature = work.commit("on feature")
    work.switch(work.main_branch)
    work.tag("v1", ids[1])
    bookmarks = ()
    if kind == "hg":
        work.bookmark("book", ids[0])
        bookmarks = ("book",)
    work.push(bookmarks)

    branches = server.branches()
    assert branches["feature"] == feature
    assert server.tags() == {"v1": ids[1]}
    assert server.resolve_landing("tag", "v1").raw_id == ids[1]
    assert server.resolve_landing("branch", "feature").raw_id == feature
    assert server.resolve_landing("rev", ids[0]).raw_id == ids[0]
    assert server.get_commit(ids[1]).tags == ["v1"]
    if kind == "git":
        assert server.default_branch == "master"
        assert branches["master"] == ids[2]
        assert server.bookmarks() == {}
    else:
        assert server.default_branch == "default"
        # hg tagging made a new commit on default
        assert branches["default"] == server.get_commit("tip").raw_id
        assert server.bookmarks() == {"book": ids[0]}
        assert server.resolve_landing("book", "book").raw_id == ids[0]
        assert server.get_commit("book").raw_id == ids[0]
        assert server.get_commit(ids[0]).bookmarks == ["book"]
    with pytest.raises(CommitNotFound):
        server.resolve_landing("branch", "missing")


def test_commit_branch(kind, server, work, populated):
    work.branch("feature")
    work.write("feature.txt", "feature\n")
    feature = work.commit("on feature")
    work.push()
    assert server.get_commit(feature).branch == "feature"
    assert server.get_commit(populated.ids[0]).branch == populated.main_branch
    assert server.get_commit(populated.ids[2]).branch == populated.main_branch


def test_strip(kind, server, work, populated):
    ids = populated.ids
    # the preview names exactly what goes, oldest first, and changes nothing
    assert server.strip_preview(ids[1], populated.main_branch) == ids[1:]
    assert server.commit_count() == len(ids)
    server.strip(ids[1], populated.main_branch)
    assert server.commit_count() == 1
    assert [c.raw_id for c in server.commits()] == [ids[0]]
    assert server.branches()[populated.main_branch] == ids[0]
    for gone in ids[1:]:
        if kind == "hg":
            with pytest.raises(CommitNotFound):
                server.get_commit(gone)
    if kind == "hg":
        assert list((server.path / ".hg" / "strip-backup").iterdir())


def test_strip_root_and_wrong_branch(kind, server, work, populated):
    ids = populated.ids
    work.branch("feature")
    work.write("feature.txt", "feature\n")
    feature = work.commit("on feature")
    work.push()
    if kind == "git":
        with pytest.raises(RepositoryError):
            server.strip_preview(feature, "master")
        with pytest.raises(RepositoryError):
            server.strip(feature, "master")
        # the root leaves master; the feature branch still holds what it shares
        assert server.strip_preview(ids[0], "master") == ids
        server.strip(ids[0], "master")  # root: branch is deleted
        assert "master" not in server.branches()
        assert server.branches()["feature"] == feature
    else:
        assert server.strip_preview(ids[0]) == [*ids, feature]
        server.strip(ids[0])
        assert server.is_empty()


def test_clone_and_fetch(kind, server, work, populated, tmp_path):
    clone = clone_repository(str(server.path), tmp_path / "clone", kind)
    assert clone.kind == kind
    assert [c.raw_id for c in clone.commits()] == populated.ids
    assert clone.branches() == server.branches()
    assert open_repository(tmp_path / "clone").kind == kind

    work.write("new.txt", "new\n")
    newest = work.commit("after clone")
    work.branch("other")
    work.write("other.txt", "other\n")
    other = work.commit("other branch")
    work.push()
    clone.fetch(str(server.path))
    assert clone.get_commit(newest).raw_id == newest
    assert clone.branches()["other"] == other
    assert clone.commit_count() == 5


def test_fetch_into_empty_repository(kind, server, populated, tmp_path):
    target = create_repository(tmp_path / "mirror", kind)
    target.fetch(str(server.path))
    assert target.commit_count() == 3
    assert target.get_commit("tip").raw_id == populated.ids[-1]
    assert target.default_branch == populated.main_branch


def test_fetch_failure(kind, server):
    with pytest.raises(RepositoryError):
        server.fetch("http://127.0.0.1:9/does-not-exist")


def test_clone_unreachable_url(kind, tmp_path):
    target = tmp_path / "clone"
    with pytest.raises(CloneError) as info:
        clone_repository("http://127.0.0.1:9/nothing", target, kind)
    assert str(info.value)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no staging leftovers


def test_clone_missing_local_path(kind, tmp_path):
    with pytest.raises(CloneError):
        clone_repository(str(tmp_path / "missing"), tmp_path / "clone", kind)
    assert not (tmp_path / "clone").exists()


def test_clone_into_non_empty_folder(kind, server, populated, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    with pytest.raises(RepositoryError):
        clone_repository(str(server.path), target, kind)
    assert (target / "keep.txt").read_text() == "keep"


def test_size_bytes(kind, server, work):
    empty_size = server.size_bytes()
    assert empty_size > 0
    work.write("big.bin", bytes(range(256)) * 4000)
    work.commit("big")
    work.push()
    assert server.size_bytes() > empty_size


def test_second_working_copy_sees_pushes(kind, server, work, populated, tmp_path):
    # A long-lived Repository object must notice pushes made meanwhile.
    before = server.commit_count()
    other = WorkingCopy(kind, server.path, tmp_path / "work2")
    other.write("late.txt", "late\n")
    late = other.commit("late")
    other.push()
    assert server.commit_count() == before + 1
    assert server.get_commit("tip").raw_id == late


def test_default_branch_without_main_branch(kind, server, work):
    # Only a non-standard branch is pushed: tip and default_branch must
    # still make sense (git: HEAD points to a missing "master").
    work.branch("trunk")
    work.write("a.txt", "a\n")
    only = work.commit("only commit")
    work.push()
    assert server.get_commit().raw_id == only
    assert server.get_commit("tip").raw_id == only
    if kind == "git":
        assert server.default_branch == "trunk"
        assert server.branches() == {"trunk": only}
    else:
        assert server.default_branch == "default"
        assert server.branches() == {"trunk": only}
