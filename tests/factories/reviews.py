"""Service-level pull requests: a repository with a base commit and a feature branch, and a
pull request from the branch to the main branch, made through ``services.pull_requests``."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import repos as repo_factory
from vcshub.db.models import PullRequest, Repository
from vcshub.permissions.caller import Caller
from vcshub.services import pull_requests

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
    [base] = repo_factory.add_commits(uow, made, {"base.txt": "one\ntwo\n"})
    feature = repo_factory.add_commits(
        uow, made, *({f"feature{i}.txt": f"feature {i}\n"} for i in range(feature_commits)),
        branch="feature",
    )
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
