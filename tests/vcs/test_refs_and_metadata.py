"""Repository.ref_heads, description and the default branch (get, set, adopt after a push),
for both backends."""

from __future__ import annotations

import pytest

from vcshub.vcs import RepositoryError, create_repository, open_repository

from .conftest import HG, run


def test_ref_heads(kind, server, work, populated):
    work.tag("v1", populated.ids[0])  # hg: a commit on default
    default_tip = run([HG, "log", "-r", "tip", "--template", "{node}"], cwd=work.path) \
        if kind == "hg" else None
    work.branch("feature")
    work.write("f.txt", "f\n")
    feature = work.commit("on feature")
    if kind == "hg":
        work.bookmark("mark", populated.ids[1])
    work.push(bookmarks=("mark",) if kind == "hg" else ())
    heads = open_repository(server.path).ref_heads()
    if kind == "git":
        listing = run(["git", "--git-dir", str(server.path), "for-each-ref",
                       "--format=%(refname) %(objectname)"])
        assert heads == dict(line.split(" ") for line in listing.splitlines())
        assert heads["refs/heads/master"] == populated.ids[-1]
        assert heads["refs/heads/feature"] == feature
        # annotated tag: the tag object, as a client sees it advertised, not the commit
        assert heads["refs/tags/v1"] != populated.ids[0]
    else:
        assert heads == {
            "refs/branches/default": default_tip,
            "refs/branches/feature": feature,
            "refs/bookmarks/mark": populated.ids[1],
            "refs/tags/v1": populated.ids[0],
        }


def test_ref_heads_of_an_empty_repository(kind, server):
    assert server.ref_heads() == {}


def test_description(kind, server):
    assert server.description is None
    if kind == "git":
        (server.path / "description").write_text(
            "Unnamed repository; edit this file 'description' to name the repository.\n")
        assert open_repository(server.path).description is None  # git init's placeholder
        (server.path / "description").write_text("Tools for 100% of us\n")
    else:
        (server.path / ".hg" / "hgrc").write_text("[web]\ndescription = Tools for 100% of us\n")
    assert open_repository(server.path).description == "Tools for 100% of us"


def test_default_branch_set_on_an_empty_repository(kind, tmp_path):
    repo = create_repository(tmp_path / "r", kind)
    assert repo.default_branch == ("master" if kind == "git" else "default")
    repo.set_default_branch("trunk")
    assert open_repository(repo.path).default_branch == "trunk"
    if kind == "git":
        assert (repo.path / "HEAD").read_text() == "ref: refs/heads/trunk\n"


def test_default_branch_set_to_an_existing_branch(kind, server, work, populated):
    work.branch("stable")
    work.write("s.txt", "s\n")
    work.commit("on stable")
    work.push()
    server.set_default_branch("stable")
    assert open_repository(server.path).default_branch == "stable"
    # a default branch that does not exist falls back on one that does
    server.set_default_branch("gone")
    assert open_repository(server.path).default_branch == populated.main_branch
    server.set_default_branch(populated.main_branch)
    assert open_repository(server.path).default_branch == populated.main_branch
    if kind == "hg":  # "default" is Mercurial's own: nothing is kept for it
        assert not (server.path / ".hg" / "vcshub" / "default-branch").exists()


@pytest.mark.parametrize("name", ["", "two\nlines", "a:b"])
def test_default_branch_refuses_impossible_names(kind, server, name):
    with pytest.raises(RepositoryError):
        server.set_default_branch(name)


def test_adopt_pushed_default(kind, server, work):
    """git: HEAD names a branch nobody pushed, so it follows the pushed "main"; hg: clients
    fall back on "default" themselves, there is nothing to adopt."""
    work.branch("main")
    work.write("a.txt", "a\n")
    work.commit("first")
    work.push()
    repo = open_repository(server.path)
    if kind == "git":
        assert repo.adopt_pushed_default(["main"]) == ("master", "main")
        assert open_repository(server.path).default_branch == "main"
        assert repo.adopt_pushed_default(["main"]) is None  # HEAD names a branch now
    else:
        assert repo.adopt_pushed_default(["main"]) is None
        assert repo.default_branch == "default"
