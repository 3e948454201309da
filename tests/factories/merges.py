"""A history with a branch that forks and is merged back, made with the real clients in any
repository folder (service tier: :func:`tests.factories.repos.folder`; live server:
:func:`tests.factories.api.hosted_folder`): what the changelog graph must draw as two lanes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.factories.commits import WorkingCopy


@dataclass(frozen=True)
class ForkAndMerge:
    """Ids of: ``base`` (on the main branch), ``side`` commits (branch ``side``, oldest first),
    ``main`` commits made on the main branch meanwhile, the ``merge`` of side into main, and
    ``after`` it on the main branch."""

    base: str
    side: list[str]
    main: list[str]
    merge: str
    after: str

    @property
    def between(self) -> list[str]:
        """The commits between the fork and the merge."""
        return self.side + self.main


def fork_and_merge(folder: Path, kind: str, side_commits: int = 2,
                   main_commits: int = 2) -> ForkAndMerge:
    """base → (side 1..n on branch ``side``, main 1..m on the main branch) → merge → after,
    pushed to the repository at ``folder`` (git: both branches; hg: named branch ``side``)."""
    main_branch = "master" if kind == "git" else "default"
    with tempfile.TemporaryDirectory(prefix="vcshub-merge-") as tmp:
        work = WorkingCopy.clone(folder, Path(tmp) / "w", kind)
        if kind == "git":
            work.continue_branch(main_branch)
        base = work.commit({"base.txt": "base\n"}, message="base")
        side = [work.commit({f"side{i}.txt": f"{i}\n"}, message=f"side {i}",
                            branch="side" if i == 0 else None) for i in range(side_commits)]
        if kind == "git":
            work.git("checkout", "--quiet", main_branch)
        else:
            work.hg("update", "--quiet", main_branch)
        main = [work.commit({f"main{i}.txt": f"{i}\n"}, message=f"main {i}")
                for i in range(main_commits)]
        if kind == "git":
            work.git("merge", "--quiet", "--no-ff", "-m", "merge side", "side")
            merge = work.tip()
        else:
            work.hg("merge", "--quiet", "side")
            merge = work.commit({}, message="merge side")
        after = work.commit({"after.txt": "after\n"}, message="after the merge")
        if kind == "git":
            work.git("push", "--quiet", "origin", "side:refs/heads/side")
        work.push(main_branch if kind == "git" else None)
    return ForkAndMerge(base, side, main, merge, after)
