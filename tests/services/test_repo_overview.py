"""services.repo_contents.overview: the summary page's README (which file, in which format, at
the landing revision) and ref counts, on git and hg."""

from __future__ import annotations

import pytest

from tests.factories import repos as make
from vcshub.services import repo_settings
from vcshub.services.repo_contents import overview

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


@both_kinds
def test_readme_preference_and_case(uow, root, kind):
    repo = make.repo(uow, root, kind=kind, commits=(
        {"readme": "plain\n", "ReadMe.RST": "Title\n=====\n", "src/README.md": "# deep\n"},
    ))
    found = overview.readme(uow, repo)
    assert (found.path, found.format, found.text) == ("ReadMe.RST", "rst", "Title\n=====\n")
    make.add_commits(uow, repo, {"README.markdown": "# Hello\n"})
    assert (overview.readme(uow, repo).path, overview.readme(uow, repo).format) == (
        "README.markdown", "markdown")
    make.add_commits(uow, repo, {"README.md": "# Top\n"})
    assert overview.readme(uow, repo).path == "README.md"


@both_kinds
def test_readme_of_the_landing_revision_only(uow, root, kind):
    repo = make.repo(uow, root, kind=kind)
    first, _second = make.add_commits(uow, repo, {"README.txt": "first\n"},
                                      {"README.txt": None, "other": "x\n"})
    assert overview.readme(uow, repo) is None  # the tip has none
    repo_settings.update_repo(uow, root, repo.repo_id, {"landing_rev": f"rev:{first}"})
    found = overview.readme(uow, repo)
    assert (found.path, found.format, found.text) == ("README.txt", "text", "first\n")


@both_kinds
def test_no_readme_and_empty_repository(uow, root, kind):
    repo = make.repo(uow, root, kind=kind)
    empty = overview.overview(uow, repo)
    assert (empty.readme, empty.default_branch, empty.summary.landing) == (None, None, None)
    assert empty.counts == overview.RefCounts(0, 0, 0)
    make.add_commits(uow, repo, {"READMEX.md": "not a readme\n", "docs/README": "nested\n"})
    assert overview.readme(uow, repo) is None


def test_a_large_readme_is_named_not_read(uow, root):
    big = "# big\n" + "x" * overview.MAX_README_BYTES
    repo = make.repo(uow, root, commits=({"README.md": big},))
    found = overview.readme(uow, repo)
    assert (found.path, found.text, found.size) == ("README.md", None, len(big))


@both_kinds
def test_ref_counts_and_default_branch(uow, root, kind):
    repo = make.repo(uow, root, kind=kind, commits=({"a": "1\n"},))
    make.add_commits(uow, repo, {"b": "2\n"}, branch="feature")
    seen = overview.overview(uow, repo)
    assert seen.counts.branches == 2
    assert seen.default_branch == make.MAIN[kind]
    assert overview.default_branch(uow, repo) == make.MAIN[kind]
