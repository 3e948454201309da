"""Service-level repository groups and repositories (git and hg), with real commits if asked.

Made through ``services.repo_groups`` and ``services.repos`` by the caller given, in a unit of
work: the same rows, permission rows and folders the API would make. Commits are made with the
real clients in a clone of the repository's folder (:func:`tests.factories.commits.commit_into`).
"""

from __future__ import annotations

from pathlib import Path

from tests.factories.commits import GIT, HG, Files, commit_into, run
from tests.factories.naming import unique
from vcshub.db.models import RepoGroup, Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import repo_disk, repo_groups, repos, storage

MAIN = {"git": "master", "hg": "default"}


def repo_group(uow, by: Caller, path: str | None = None, *, parent: RepoGroup | None = None,
               owner: User | None = None, copy_permissions: bool = False,
               description: str = "") -> RepoGroup:
    """A group named ``path`` (a full path), or a unique name inside ``parent``."""
    if path is None:
        name = unique("grp")
        path = f"{parent.group_name}/{name}" if parent is not None else name
    return repo_groups.create_repo_group(
        uow, by, path, description, owner=owner.username if owner else None,
        copy_permissions=copy_permissions,
    )


def repo(uow, by: Caller, name: str | None = None, kind: str = "git", *,
         group: RepoGroup | None = None, owner: User | None = None, commits: tuple = (),
         **spec) -> Repository:
    """A repository of ``kind``; ``name`` is its full name, or a unique name inside ``group``.

    ``spec`` holds :class:`vcshub.services.repos.RepoSpec` fields (``private``,
    ``copy_permissions``, ...); ``commits`` are file mappings committed in order on the main
    branch (see :func:`add_commits`).
    """
    if name is None:
        short = unique(f"{kind}repo")
        name = f"{group.group_name}/{short}" if group is not None else short
    made = repos.create_repo(
        uow, by, name, kind, repos.RepoSpec(**spec),
        owner=owner.username if owner else None, owner_supplied=owner is not None,
    )
    if commits:
        add_commits(uow, made, *commits)
    return made


def add_commits(uow, repository: Repository, *changes: Files, branch: str | None = None) -> list[str]:
    """One commit per mapping (path → content, None deletes), pushed to ``branch`` (default:
    the main branch); the new commit ids, oldest first. The cached summary is refreshed, as
    after a push."""
    ids = commit_into(folder(uow, repository), repository.repo_type, *changes, branch=branch)
    repo_disk.refresh_summary(uow, repository)
    return ids


def copy_history(uow, source: Repository, target: Repository) -> None:
    """Push every commit of ``source`` into ``target`` (same kind): a fork's starting point,
    without the fork service and its background work."""
    there = str(folder(uow, target))
    if source.repo_type == "git":
        run([GIT, "--git-dir", str(folder(uow, source)), "push", "-q", there, "--all"])
    else:
        run([HG, "-R", str(folder(uow, source)), "push", "-q", there], ok_codes=(0, 1))
    repo_disk.refresh_summary(uow, target)


def folder(uow, repository: Repository) -> Path:
    """The repository's folder in the storage."""
    return repo_disk.path(uow, repository)


def group_folder(uow, group: RepoGroup) -> Path:
    return storage.path_of(uow, group.group_name)
