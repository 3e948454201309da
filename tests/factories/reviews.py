"""Service-level pull requests: a repository with a base commit and a feature branch, and a
pull request from the branch to the main branch, made through ``services.pull_requests``."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.factories import repos as repo_factory
from tests.factories.commits import WorkingCopy
from vcshub.db.models import PullRequest, Repository
from vcshub.permissions.caller import Caller
from vcshub.services import pull_requests, repo_disk

MAIN = repo_factory.MAIN


@dataclass
class Project:
    """A repository whose main branch holds ``base`` and whose ``feature`` branch adds
    ``feature`` commits on top of it."""

    repo: Repository
    kind: str
    base: str
    feature: list[str]


def project(uow, by: Caller, kind: str = "git", *, feature_commits: int = 1, **repo_fields) -> Project:
    made = repo_factory.repo(uow, by, kind=kind, **repo_fields)
    with tempfile.TemporaryDirectory(prefix="vcshub-review-") as tmp:  # one clone for both
        work = WorkingCopy.clone(repo_factory.folder(uow, made), Path(tmp) / "w", kind)
        work.continue_branch(MAIN[kind])
        base = work.commit({"base.txt": "one\ntwo\n"}, "base")
        work.push(MAIN[kind])
        work.continue_branch("feature")
        feature = [work.commit({f"feature{i}.txt": f"feature {i}\n"}, f"feature {i}")
                   for i in range(feature_commits)]
        work.push("feature")
    repo_disk.refresh_summary(uow, made)
    return Project(made, kind, base, feature)


def pull_request(uow, by: Caller, proj: Project, *, branch: str = "feature",
                 title: str = "a change", reviewers: list | None = None,
                 description: str = "") -> PullRequest:
    """A pull request from ``branch`` to the main branch of the project's repository."""
    name = proj.repo.repo_name
    return pull_requests.create_pull_request(
        uow, by, name, name, f"branch:{branch}", f"branch:{MAIN[proj.kind]}", title,
        description, reviewers,
    )
