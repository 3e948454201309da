"""Keeping repositories in step with their disk and remotes: rescan, pull, strip, caches."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from vcshub import coordination, vcs
from vcshub.db.models import RepoGroup, Repository, UserFollowing
from vcshub.permissions.caller import Caller
from vcshub.services import access, grants, remote_policy, repo_disk, repo_groups, storage
from vcshub.services.errors import Invalid, StorageError
from vcshub.services.names import validate_path
from vcshub.services.search import notices as search_notices
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

SKIPPED_DIRS = {".rc_gist_store"}


@dataclass
class RescanResult:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _found_on_disk(root: Path) -> list[tuple[str, str]]:
    """(name, kind) of every repository below ``root``, not descending into repositories."""
    found = []
    for current, dirs, _files in os.walk(root):
        here = Path(current)
        kind = vcs.detect_kind(here) if here != root else None
        if kind is not None:
            found.append((here.relative_to(root).as_posix(), kind))
            dirs.clear()
            continue
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(storage.DELETED_PREFIX) and d not in SKIPPED_DIRS
            and not d.startswith(".")
        )
    return found


def _description(path: Path, kind: str, name: str) -> str:
    """The repository's own description when it says something (:attr:`vcs.Repository.
    description`: git's ``description`` file, hg's ``[web] description``), else
    `<name> repository`."""
    try:
        text = vcs.open_repository(path, kind).description
    except vcs.VCSError:
        text = None
    return text or f"{name} repository"


def _adopt_parent_groups(uow: UnitOfWork, name: str) -> RepoGroup | None:
    """Group rows for the folders above a repository found on disk (2.3 auto-created groups).

    Unlike :func:`repo_groups.ensure_parents` (used by create_repo, which makes the folders and
    refuses existing ones) the folders are already there: only the rows are missing.
    """
    parts = name.split("/")[:-1]
    parent = None
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        group = repo_groups.find(uow, path)
        if group is None:
            group = RepoGroup(
                group_name=path,
                parent_id=parent.group_id if parent else None,
                description=f"{path} group",
                owner_id=repo_groups.first_super_admin(uow).user_id,
                enable_locking=False,
            )
            uow.db.add(group)
            uow.db.flush()
            grants.write_initial_rows(uow, grants.REPO_GROUP, group.group_id)
        parent = group
    return parent


def rescan(uow: UnitOfWork, caller: Caller, remove_obsolete: bool = False) -> RescanResult:
    """Register repositories found on disk; optionally drop rows whose folder vanished."""
    require_admin(caller)
    result = RescanResult()
    root = storage.root(uow)
    known = set(uow.db.scalars(select(Repository.repo_name)))
    owner = repo_groups.first_super_admin(uow)
    for name, kind in _found_on_disk(root):
        if name in known:
            continue
        try:
            validate_path("repo_name", name)
        except Exception:
            continue  # a folder we could never serve under that name
        parent = _adopt_parent_groups(uow, name)
        repo = Repository(
            repo_name=name,
            repo_type=kind,
            group_id=parent.group_id if parent else None,
            owner_id=owner.user_id,
            description=_description(root / name, kind, name),
            enable_locking=parent.enable_locking if parent else False,
        )
        uow.db.add(repo)
        uow.db.flush()
        grants.write_initial_rows(uow, grants.REPO, repo.repo_id)
        uow.db.add(UserFollowing(user_id=owner.user_id, follows_repo_id=repo.repo_id))
        repo_disk.refresh_summary(uow, repo)
        result.added.append(name)
    if remove_obsolete:
        for repo in uow.db.scalars(select(Repository).order_by(Repository.repo_id)).all():
            if not (root / repo.repo_name).is_dir():
                for fork in uow.db.scalars(select(Repository).where(Repository.fork_id == repo.repo_id)):
                    fork.fork_id = None
                uow.db.flush()
                uow.db.delete(repo)
                result.removed.append(repo.repo_name)
        uow.db.flush()
    caller.forget_permissions()
    return result


def invalidate_cache(uow: UnitOfWork, caller: Caller, repoid: object) -> Repository:
    """Re-read the cached summary (``last_changeset``) from disk; write+ needed."""
    repo = access.repo(uow, caller, repoid, "repository.write")
    repo_disk.refresh_summary(uow, repo)
    return repo


PULL_WAIT = 300.0  # seconds a pull waits for the housekeeping or merge under way


def pull(uow: UnitOfWork, caller: Caller, repo: Repository, remote_uri: object = None) -> None:
    """Fetch everything from the repository's clone_uri, or once from ``remote_uri`` (RC-later;
    Kallithea's ``clone_uri``) under the same rules as a clone_uri (no hooks run), then
    refresh; admin on the repository needed.

    The fetch may take minutes: the transaction of the checks ends before it (no write lock,
    no pooled connection held while the remote answers) and the refresh runs in a new one.
    The host policy is the caller's (:mod:`remote_policy`): the stored URL is checked again,
    names resolved anew.
    """
    access.require_repo(caller, repo, "repository.admin")
    source = remote_policy.validate_clone_uri(caller, uow.settings, remote_uri) or repo.clone_uri
    if not source:
        raise StorageError(f"repository `{repo.repo_name}` has no remote to pull from")
    folder, kind = repo_disk.path(uow, repo), repo.repo_type
    uow.commit()
    limits = remote_policy.cleared_limits(caller, uow.settings, source)
    # it writes as a push does: shared with pushes, never beside housekeeping or a merge
    with coordination.for_settings(uow.settings).shared(folder, PULL_WAIT) as held:
        if not held:
            raise StorageError(f"repository `{repo.repo_name}` is busy (housekeeping or a merge)")
        try:
            vcs.open_repository(folder, kind).fetch(source, limits)
        except vcs.VCSError as exc:
            raise StorageError(str(exc)) from exc
    repo_disk.refresh_summary(uow, repo)
    search_notices.repository_changed(uow, repo.repo_id)


STRIP_PREVIEW_LIMIT = 200  # commits listed by the preview (their number is always said)


def strip_preview(uow: UnitOfWork, caller: Caller, repo: Repository, revision: object,
                  branch: object) -> tuple[int, list[vcs.Commit]]:
    """What :func:`strip` with these arguments would remove: (how many commits, the first
    ``STRIP_PREVIEW_LIMIT`` of them, oldest first); admin on the repository needed."""
    access.require_repo(caller, repo, "repository.admin")
    if not isinstance(revision, str) or not revision.strip():
        raise Invalid("revision", "must be a commit id")
    try:
        opened = repo_disk.open_vcs(uow, repo)
        ids = opened.strip_preview(revision.strip(), branch if isinstance(branch, str) and branch else None)
        return len(ids), opened.get_commits(ids[:STRIP_PREVIEW_LIMIT])
    except vcs.VCSError as exc:
        raise Invalid("revision", str(exc)) from exc


def strip(uow: UnitOfWork, caller: Caller, repo: Repository, revision: object, branch: object) -> None:
    """Remove a commit and its descendants (git: move ``branch`` back), then refresh; admin on
    the repository needed."""
    access.require_repo(caller, repo, "repository.admin")
    if not isinstance(revision, str):
        raise Invalid("revision", "must be a commit id")
    try:
        repo_disk.open_vcs(uow, repo).strip(revision, branch if isinstance(branch, str) else None)
    except vcs.VCSError as exc:
        raise StorageError(str(exc)) from exc
    repo_disk.refresh_summary(uow, repo)
