"""The files page's last change of each directory entry (repo_contents.last_changes), on git
and hg, both databases: the newest commit that touched anything under each entry, as seen from
the listed revision, and nothing made up when the walk runs out of budget."""

from __future__ import annotations

import pytest

from tests.factories import repos as repo_factory
from tests.factories.repos import MAIN
from vcshub.services import repo_contents


@pytest.fixture(params=["git", "hg"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def tree(uow, root, kind):
    """0 adds a.txt, e.txt, d/x.txt, d/y/z.txt; 1 changes a.txt; 2 d/y/z.txt; 3 d/x.txt."""
    repo = repo_factory.repo(uow, root, kind=kind)
    ids = repo_factory.add_commits(
        uow, repo,
        {"a.txt": "a\n", "e.txt": "e\n", "d/x.txt": "x\n", "d/y/z.txt": "z\n"},
        {"a.txt": "a2\n"},
        {"d/y/z.txt": "z2\n"},
        {"d/x.txt": "x2\n"},
    )
    return repo, ids


def listed(uow, repo, rev, path="", **kw):
    directory = repo_contents.browse(uow, repo, rev, path)
    found = repo_contents.last_changes(uow, repo, directory, **kw)
    return {name: change.raw_id for name, change in found.changes.items()}, found


def test_each_entry_gets_the_newest_commit_below_it(uow, tree):
    repo, ids = tree
    changes, found = listed(uow, repo, "tip")
    assert changes == {"a.txt": ids[1], "e.txt": ids[0], "d": ids[3]}
    assert found.complete
    change = found.changes["a.txt"]
    assert (change.summary, change.short_id) == ("commit 1", ids[1][:12])
    assert change.date.tzinfo is not None and "<" in change.author


def test_a_subdirectory_maps_deeper_changes_to_its_own_entries(uow, tree):
    repo, ids = tree
    changes, found = listed(uow, repo, "tip", "d")
    assert changes == {"x.txt": ids[3], "y": ids[2]} and found.complete


def test_seen_from_an_older_revision(uow, tree):
    repo, ids = tree
    changes, _found = listed(uow, repo, ids[1])
    assert changes == {"a.txt": ids[1], "e.txt": ids[0], "d": ids[0]}
    changes, _found = listed(uow, repo, ids[2], "d")
    assert changes == {"x.txt": ids[0], "y": ids[2]}


def test_commits_on_another_branch_do_not_count(uow, tree, kind):
    repo, ids = tree
    repo_factory.add_commits(uow, repo, {"e.txt": "elsewhere\n"}, branch="feature")
    changes, _found = listed(uow, repo, ids[3])
    assert changes["e.txt"] == ids[0]


def test_out_of_budget_the_walk_reports_what_it_did_not_reach(uow, tree):
    repo, ids = tree
    changes, found = listed(uow, repo, ids[3], "d", budget=0.0)
    assert changes == {} and not found.complete
    # nothing partial is remembered: with a budget the same listing is complete
    changes, found = listed(uow, repo, ids[3], "d")
    assert changes == {"x.txt": ids[3], "y": ids[2]} and found.complete


def test_across_a_merge(uow, tree, kind):
    """A change that came in with a merge counts from the side commit that made it (the merge
    only took it: git's walk follows the side where the file came from, hg's merge changeset
    does not list a file it took unchanged from one parent); an entry the merge left as the
    first parent had it keeps its own last change."""
    repo, ids = tree
    [side] = repo_factory.add_commits(uow, repo, {"e.txt": "from the side\n"}, branch="feature")
    [main] = repo_factory.add_commits(uow, repo, {"a.txt": "a3\n"})
    repository = repo_contents.backend(uow, repo)
    merged = repository.merge(repository.path, side, MAIN[kind], main, "merge feature",
                              "Tester <tester@example.com>")
    assert merged.status == "merged", merged
    changes, found = listed(uow, repo, merged.merge_commit)
    assert changes["a.txt"] == main and changes["d"] == ids[3] and found.complete
    assert changes["e.txt"] == side
