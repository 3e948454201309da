"""Merging a source commit into a target branch (both backends).

The standard scenario (``scenario`` fixture), made with the command-line
clients and pushed into the server repository::

    main:     base ── main1            (main.txt, last line of shared.txt)
                 └── feat1 ── feat2    on the feature branch (feature.txt,
                                       first line of shared.txt)

hg uses a named branch "feature"; git a branch of that name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vcshub import vcs
from vcshub.vcs import MergeResult, MergeStatus, create_repository, git_merge, hg_merge, merges

from .conftest import HG, WorkingCopy, run

MERGER = "Merge Bot <merge@example.org>"
SHARED = "line 1\nline 2\nline 3\nline 4\nline 5\n"


class Scenario:
    def __init__(self, repo, ids: dict[str, str]) -> None:
        self.repo = repo
        self.ids = ids
        self.main = "master" if repo.kind == "git" else "default"

    def state(self) -> tuple:
        """What must not change when a merge is refused."""
        repo = vcs.open_repository(self.repo.path)
        return repo.branches(), repo.tags(), repo.commit_count()


# kind -> (server repository, ids): the command-line clients are slow, so the
# scenario is built once per kind and each test gets a copy of the server.
_TEMPLATES: dict[str, tuple[Path, dict[str, str]]] = {}


def _build(kind: str, root: Path) -> tuple[Path, dict[str, str]]:
    server = create_repository(root / "server", kind)
    work = WorkingCopy(kind, server.path, root / "work")
    work.write("README.md", "base\n")
    work.write("shared.txt", SHARED)
    base = work.commit("base")
    work.branch("feature")
    work.write("feature.txt", "feature\n")
    feat1 = work.commit("feat1")
    work.write("shared.txt", SHARED.replace("line 1", "LINE 1 (feature)"))
    feat2 = work.commit("feat2")
    work.switch(work.main_branch)
    work.write("main.txt", "main\n")
    work.write("shared.txt", SHARED.replace("line 5", "LINE 5 (main)"))
    main1 = work.commit("main1")
    work.push()
    return server.path, {"base": base, "feat1": feat1, "feat2": feat2, "main1": main1}


@pytest.fixture
def scenario(kind, tmp_path, tmp_path_factory) -> Scenario:
    if kind not in _TEMPLATES:
        _TEMPLATES[kind] = _build(kind, tmp_path_factory.mktemp(f"merge-{kind}"))
    template, ids = _TEMPLATES[kind]
    shutil.copytree(template, tmp_path / "server", symlinks=True)
    return Scenario(vcs.open_repository(tmp_path / "server"), dict(ids))


def _leftovers(repo_path: Path) -> list[str]:
    return [p.name for p in repo_path.parent.iterdir() if ".merge-" in p.name]


def _fresh_clone_parents(kind: str, server: Path, dest: Path,
                         rev: str) -> tuple[list[str], str, str]:
    """(parents, author, message) of ``rev`` as seen by a fresh client clone."""
    if kind == "git":
        run(["git", "clone", "-q", "--bare", str(server), str(dest)])
        out = run(["git", "--git-dir", str(dest), "log", "-1", "--format=%P%n%an <%ae>%n%B", rev])
    else:
        run([HG, "clone", "-q", "-U", str(server), str(dest)])
        out = run([HG, "-R", str(dest), "log", "-r", rev, "-T",
                   "{p1node} {ifeq(p2rev, '-1', '', p2node)}\n{author}\n{desc}"])
    parents, author, message = out.split("\n", 2)
    return parents.split(), author, message.strip()


def test_merge_feature_branch(kind, scenario, tmp_path):
    repo, ids = scenario.repo, scenario.ids
    result = repo.merge(repo.path, ids["feat2"], scenario.main, ids["main1"],
                        "Merge feature", MERGER)
    assert result.status is MergeStatus.MERGED, result.message
    merged = vcs.open_repository(repo.path)
    assert merged.branches()[scenario.main] == result.merge_commit
    commit = merged.get_commit(result.merge_commit)
    assert commit.parents == [ids["main1"], ids["feat2"]]
    assert commit.author == MERGER
    assert commit.message.strip() == "Merge feature"
    assert merged.get_node(result.merge_commit, "shared.txt").content.decode() == (
        SHARED.replace("line 1", "LINE 1 (feature)").replace("line 5", "LINE 5 (main)"))
    assert merged.get_node(result.merge_commit, "feature.txt").content == b"feature\n"
    assert merged.get_node(result.merge_commit, "main.txt").content == b"main\n"
    parents, author, message = _fresh_clone_parents(kind, repo.path, tmp_path / "check",
                                                    result.merge_commit)
    assert parents == [ids["main1"], ids["feat2"]]
    assert (author, message) == (MERGER, "Merge feature")
    assert _leftovers(repo.path) == []


def test_merge_from_fork(kind, scenario, tmp_path):
    repo, ids = scenario.repo, scenario.ids
    fork = vcs.clone_repository(str(repo.path), tmp_path / "fork", kind)
    fork_tip = fork.commit_files({"fork.txt": b"from the fork\n"}, "fork work", "Forker <f@x.org>",
                                 branch="feature")
    assert repo.commits_to_merge(fork.path, fork_tip, ids["main1"]) == [
        ids["feat1"], ids["feat2"], fork_tip]
    assert repo.common_ancestor(fork.path, fork_tip, ids["main1"]) == ids["base"]
    before = scenario.state()
    dry = repo.merge(fork.path, fork_tip, scenario.main, ids["main1"], "m", MERGER, dry_run=True)
    assert (dry.status, dry.merge_commit) == (MergeStatus.MERGED, None)
    assert scenario.state() == before
    count = repo.commit_count()

    result = repo.merge(fork.path, fork_tip, scenario.main, ids["main1"], "Merge fork", MERGER)

    assert result.status is MergeStatus.MERGED, result.message
    merged = vcs.open_repository(repo.path)
    assert merged.commit_count() == count + 2  # the fork's commit and the merge
    assert merged.get_node(scenario.main, "fork.txt").content == b"from the fork\n"
    parents, author, message = _fresh_clone_parents(kind, repo.path, tmp_path / "check",
                                                    result.merge_commit)
    assert parents == [ids["main1"], fork_tip]
    assert (author, message) == (MERGER, "Merge fork")
    assert merged.commits_to_merge(fork.path, fork_tip, result.merge_commit) == []
    assert _leftovers(repo.path) == []


def test_conflict_leaves_target_unchanged(kind, scenario):
    repo, ids = scenario.repo, scenario.ids
    feature = repo.commit_files({"main.txt": b"feature's main\n"}, "clash", MERGER,
                                branch="feature")
    before = scenario.state()
    for dry_run in (True, False):
        result = repo.merge(repo.path, feature, scenario.main, ids["main1"], "m", MERGER,
                            dry_run=dry_run)
        assert result.status is MergeStatus.CONFLICT
        assert result.merge_commit is None
        if kind == "git":
            assert "main.txt" in result.message
    assert scenario.state() == before
    assert _leftovers(repo.path) == []


@pytest.mark.parametrize("theirs, ours", [
    ({"x.txt": b"changed\n"}, {"x.txt": None}),  # modified here, deleted there
    ({"p": b"a file\n"}, {"p/q": b"a directory\n"}),  # file against directory
], ids=["modify-delete", "file-directory"])
def test_structural_conflicts(kind, tmp_path, theirs, ours):
    main = "master" if kind == "git" else "default"
    repo = vcs.create_repository(tmp_path / "target", kind)
    repo.commit_files({"x.txt": b"x\n"}, "base", MERGER, branch=main)
    fork = vcs.clone_repository(str(repo.path), tmp_path / "fork", kind)
    source = fork.commit_files(theirs, "theirs", MERGER, branch=main)
    target = repo.commit_files({**ours, "y.txt": b"y\n"}, "ours", MERGER, branch=main)
    for dry_run in (True, False):
        result = repo.merge(fork.path, source, main, target, "m", MERGER, dry_run=dry_run)
        assert result.status is MergeStatus.CONFLICT, result
    assert repo.branches() == {main: target}
    assert repo.commit_count() == 2


def test_stale_target_commit_is_not_head(kind, scenario):
    repo, ids = scenario.repo, scenario.ids
    before = scenario.state()
    result = repo.merge(repo.path, ids["feat2"], scenario.main, ids["base"], "m", MERGER)
    assert result.status is MergeStatus.NOT_HEAD
    assert scenario.state() == before


def test_target_moved_during_merge(kind, scenario, monkeypatch):
    """A push landing on the target branch after the checks: the
    compare-and-swap refuses the merge and keeps the pushed commit."""
    repo, ids = scenario.repo, scenario.ids
    module = git_merge if kind == "git" else hg_merge
    real_workspace = merges.merge_workspace
    pushed = []

    def racing_workspace(target):
        other = vcs.open_repository(target)
        pushed.append(other.commit_files({"race.txt": b"race\n"}, "concurrent push", "X <x@y>",
                                         branch=scenario.main))
        return real_workspace(target)

    monkeypatch.setattr(module, "merge_workspace", racing_workspace)
    count = repo.commit_count()
    result = repo.merge(repo.path, ids["feat2"], scenario.main, ids["main1"], "m", MERGER)
    assert result.status is MergeStatus.TARGET_MOVED, result.message
    after = vcs.open_repository(repo.path)
    assert after.branches()[scenario.main] == pushed[0]
    assert after.commit_count() == count + 1
    assert _leftovers(repo.path) == []


def test_dry_run_leaves_target_unchanged(kind, scenario):
    repo, ids = scenario.repo, scenario.ids
    before = scenario.state()
    result = repo.merge(repo.path, ids["feat2"], scenario.main, ids["main1"], "m", MERGER,
                        dry_run=True)
    assert result == MergeResult(MergeStatus.MERGED, None, result.message)
    assert scenario.state() == before
    assert _leftovers(repo.path) == []


def test_missing_refs(kind, scenario, tmp_path):
    repo, ids = scenario.repo, scenario.ids
    before = scenario.state()
    cases = [
        (repo.path, "f" * 40, scenario.main, ids["main1"]),
        (repo.path, ids["feat2"], "no-such-branch", ids["main1"]),
        (repo.path, ids["feat2"], scenario.main, "e" * 40),
        (tmp_path / "no-such-repo", ids["feat2"], scenario.main, ids["main1"]),
    ]
    for source_path, source, branch, target in cases:
        result = repo.merge(source_path, source, branch, target, "m", MERGER)
        assert result.status is MergeStatus.MISSING_REF, (source, branch, target, result)
    assert scenario.state() == before
    with pytest.raises(vcs.CommitNotFound):
        repo.commits_to_merge(repo.path, "f" * 40, ids["main1"])


def test_ancestry_in_one_repository(kind, scenario):
    repo, ids = scenario.repo, scenario.ids
    assert repo.common_ancestor(repo.path, ids["feat2"], ids["main1"]) == ids["base"]
    assert repo.commits_to_merge(repo.path, ids["feat2"], ids["main1"]) == [
        ids["feat1"], ids["feat2"]]
    assert repo.commits_to_merge(repo.path, ids["base"], ids["main1"]) == []


def test_already_merged_source(kind, scenario):
    repo, ids = scenario.repo, scenario.ids
    before = scenario.state()
    result = repo.merge(repo.path, ids["base"], scenario.main, ids["main1"], "m", MERGER)
    assert result.status is MergeStatus.MERGED
    assert result.merge_commit == ids["main1"]
    assert scenario.state() == before


def test_source_ahead_on_the_same_branch(kind, scenario, tmp_path):
    """git always makes a merge commit; hg fast-forwards."""
    repo, ids = scenario.repo, scenario.ids
    fork = vcs.clone_repository(str(repo.path), tmp_path / "fork", kind)
    ahead = fork.commit_files({"more.txt": b"more\n"}, "ahead", "F <f@x.org>",
                              branch=scenario.main)
    result = repo.merge(fork.path, ahead, scenario.main, ids["main1"], "m", MERGER)
    assert result.status is MergeStatus.MERGED, result.message
    merged = vcs.open_repository(repo.path)
    assert merged.branches()[scenario.main] == result.merge_commit
    if kind == "git":
        assert merged.get_commit(result.merge_commit).parents == [ids["main1"], ahead]
    else:
        assert result.merge_commit == ahead


def test_hg_branch_with_two_heads(kind, scenario, tmp_path):
    if kind != "hg":
        pytest.skip("only Mercurial branches can have several heads")
    repo, ids = scenario.repo, scenario.ids
    work = WorkingCopy(kind, repo.path, tmp_path / "work")
    run([HG, "update", "-q", "-r", ids["base"]], cwd=work.path)
    work.write("other.txt", "second head\n")
    work.commit("second head")
    run([HG, "push", "-q", "-f"], cwd=work.path)
    before = scenario.state()
    result = repo.merge(repo.path, ids["feat2"], "default", ids["main1"], "m", MERGER)
    assert result.status is MergeStatus.MULTIPLE_HEADS
    assert scenario.state() == before
