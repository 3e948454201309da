"""Repositories: create, fork, read and delete real Git and Mercurial repositories (4.4).

Listing them is :mod:`repo_listing`.

The database row and the folder on disk change together inside one unit of work; a clone
(create_repo with ``clone_uri``, fork_repo) runs between two transactions, holding none.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

from sqlalchemy import select

from vcshub import vcs
from vcshub.db.models import RepoGroup, Repository, User, UserFollowing
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import default_user_id
from vcshub.services import (
    access,
    grants,
    lookup,
    remote_policy,
    repo_disk,
    repo_population,
    repo_groups,
    storage,
    vcs_access,
)
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    Invalid,
    NotFound,
    OwnerNotAllowed,
    Required,
    StorageError,
)
from vcshub.services.names import clean_path, validate_path
from vcshub.services.search import notices as search_notices
from vcshub.services.unit_of_work import UnitOfWork

LANDING_TYPES = ("rev", "branch", "book", "bookmark", "tag")


@dataclass
class RepoSpec:
    """What a new repository looks like; None means "the site default"."""

    description: str = ""
    private: bool | None = None
    clone_uri: str | None = None
    landing_rev: str = "rev:tip"
    enable_statistics: bool | None = None
    enable_locking: bool | None = None
    enable_downloads: bool | None = None
    copy_permissions: bool = False


def validate_landing_rev(value: object) -> str:
    if not isinstance(value, str) or value.partition(":")[0] not in LANDING_TYPES or ":" not in value:
        raise Invalid("landing_rev", "must be <type>:<name>, e.g. rev:tip or branch:default")
    return value


def may_create_in(caller: Caller, group: RepoGroup | None) -> bool:
    """hg.create.repository anywhere; otherwise group.admin on the (existing) group."""
    return caller.perms.has_global("hg.create.repository") or (
        group is not None and access.can_repo_group(caller, group, "group.admin")
    )


def _check_create_rights(uow: UnitOfWork, caller: Caller, path: str) -> None:
    if caller.perms.has_global("hg.create.repository"):
        return
    parent_path = path.rsplit("/", 1)[0] if "/" in path else None
    if parent_path is None:
        raise AccessDenied()
    if not may_create_in(caller, repo_groups.find(uow, parent_path)):
        raise NotFound("repository group", parent_path)


def _owner(uow: UnitOfWork, caller: Caller, owner: object, supplied: bool) -> User:
    if not supplied or owner is None:
        return caller.user
    if not caller.is_admin:
        raise OwnerNotAllowed()
    return lookup.ownable(lookup.user(uow.db, owner))


def create_repo(
    uow: UnitOfWork,
    caller: Caller,
    repo_name: object,
    repo_type: object,
    spec: RepoSpec,
    owner: object = None,
    owner_supplied: bool = False,
) -> Repository:
    """Create a repository (cloned from ``spec.clone_uri`` if given), with missing parent groups."""
    path = clean_path("repo_name", repo_name)
    if not path:
        raise Required("repo_name")
    _check_create_rights(uow, caller, path)
    owner_user = _owner(uow, caller, owner, owner_supplied)
    if find(uow, path) is not None:
        raise AlreadyExists("repository", path)
    if repo_type not in vcs.KINDS:
        raise Invalid("repo_type", f"unsupported repository type `{repo_type}`")
    validate_path("repo_name", path)
    validate_landing_rev(spec.landing_rev)
    clone_uri = remote_policy.validate_clone_uri(caller, uow.settings, spec.clone_uri)
    if clone_uri is None:
        return _create(uow, caller, path, repo_type, spec, owner_user)
    # A task clones it (services/repo_population.py). The host policy is checked here too, so
    # that a refused address is answered at once; it resolves names, so with no transaction
    # open (the write lock is not held while DNS answers), and the name is checked again after.
    _check_place(uow, path)
    uow.commit()
    remote_policy.cleared_limits(caller, uow.settings, clone_uri)
    return _create(uow, caller, path, repo_type, spec, owner_user, pending=True)


@contextlib.contextmanager
def _cloned_outside_transaction(uow: UnitOfWork, source: str, kind: str, clearance):
    """Phase 2 of a fork made within the request: the copy, with no transaction open.

    Phase 1 (the caller's checks) only read: its transaction ends here, so that no write lock
    (SQLite's is database-wide) and no pooled connection is held during the copy.
    ``clearance()`` gives the transfer's limits. Phase 3, :func:`_create` in a new
    transaction, checks the name again and moves the clone into place; the staged clone is
    removed whatever happens.
    """
    uow.commit()
    with repo_disk.staged_clone(uow.settings, source, kind, clearance()) as staged:
        yield staged


def _check_place(uow: UnitOfWork, path: str) -> None:
    """The name is free: no repository, no group, no repository sharing its clone URL."""
    if find(uow, path) is not None:
        raise AlreadyExists("repository", path)
    if repo_groups.find(uow, path) is not None:
        raise Conflict(f"`{path}` is already a repository group")
    twin = vcs_access.clone_url_twin(uow, path)
    if twin is not None:
        raise Conflict(f"`{path}` would share its clone URL with repository `{twin}`")


def _create(uow, caller, path, kind, spec: RepoSpec, owner: User, staged=None, fork_of=None,
            pending: bool = False):
    """The row (and, unless ``pending``, the folder: a task fills a pending one)."""
    _check_place(uow, path)
    parent = repo_groups.ensure_parents(uow, path)
    if pending:
        _claim_name(uow, path)
    else:
        repo_disk.create_on_disk(uow, path, kind, staged)
    private = bool(spec.private)
    repo = Repository(
        repo_name=path,
        repo_type=kind,
        group_id=parent.group_id if parent else None,
        owner_id=owner.user_id,
        description=spec.description or path.rsplit("/", 1)[-1],
        private=private,
        clone_uri=spec.clone_uri if fork_of is None else None,
        landing_rev=spec.landing_rev,
        enable_statistics=bool(spec.enable_statistics),
        enable_locking=parent.enable_locking if parent else bool(spec.enable_locking),
        enable_downloads=bool(spec.enable_downloads),
        fork_id=fork_of.repo_id if fork_of else None,
    )
    uow.db.add(repo)
    uow.db.flush()
    _initial_permissions(uow, repo, parent, fork_of, spec.copy_permissions)
    uow.db.add(UserFollowing(user_id=owner.user_id, follows_repo_id=repo.repo_id))
    caller.forget_permissions()
    if pending:
        repo_population.queue(uow, caller, repo)
        return repo
    repo_disk.refresh_summary(uow, repo)
    search_notices.repository_changed(uow, repo.repo_id)
    return repo


def _claim_name(uow: UnitOfWork, path: str) -> None:
    """A pending repository's empty folder: the arbiter between two requests creating the same
    name at once, as for any creation (services/storage.py); its task fills it."""
    try:
        folder, made = storage.claim_dir(uow, path)
    except StorageError:
        raise AlreadyExists("repository", path) from None
    uow.on_rollback(lambda: storage.remove_if_same(folder, made))


def _initial_permissions(uow, repo: Repository, parent, fork_of, copy_permissions: bool) -> None:
    """2.3: the default row, or copies of the parent group's (or fork source's) rows."""
    if copy_permissions and fork_of is not None:
        grants.copy_rows(uow, grants.REPO, fork_of.repo_id, grants.REPO, repo.repo_id)
    elif copy_permissions and parent is not None:
        grants.copy_rows(uow, grants.REPO_GROUP, parent.group_id, grants.REPO, repo.repo_id)
    else:
        grants.write_initial_rows(uow, grants.REPO, repo.repo_id, private=repo.private)
        return
    if repo.private:
        grants.set_user(uow, grants.REPO, repo.repo_id, default_user_id(uow.db), "repository.none")


def fork_source(uow: UnitOfWork, caller: Caller, repoid: object) -> Repository:
    """The repository to fork: needs the global fork right, then read access to it."""
    _require_fork_right(caller)
    return access.repo(uow, caller, repoid, "repository.read")


def _require_fork_right(caller: Caller) -> None:
    if not caller.perms.has_global("hg.fork.repository"):
        raise AccessDenied()


def fork_repo(
    uow: UnitOfWork,
    caller: Caller,
    source: Repository,
    fork_name: object,
    spec: RepoSpec,
    owner: object = None,
    owner_supplied: bool = False,
) -> Repository:
    """Clone ``source`` (from :func:`fork_source`) into a new repository recording ``fork_of``."""
    _require_fork_right(caller)
    access.require_repo(caller, source, "repository.read")
    if owner_supplied and owner is not None and not caller.is_admin:
        raise OwnerNotAllowed()
    path = clean_path("fork_name", fork_name)
    if not path:
        raise Required("fork_name")
    _check_create_rights(uow, caller, path)
    existing = find(uow, path)
    if existing is not None:
        raise AlreadyExists("fork" if existing.fork_id else "repository", path)
    owner_user = _owner(uow, caller, owner, owner_supplied)
    validate_path("fork_name", path)
    validate_landing_rev(spec.landing_rev)
    if (source.size_bytes or 0) > uow.settings.fork_in_background_bytes:
        # a big copy: a task makes it (services/repo_population.py), the request answers now
        return _create(uow, caller, path, source.repo_type, spec, owner_user, fork_of=source,
                       pending=True)
    source_path = str(repo_disk.path(uow, source))
    clearance = functools.partial(remote_policy.limits, uow.settings)  # our own disk
    with _cloned_outside_transaction(uow, source_path, source.repo_type, clearance) as staged:
        return _create(
            uow, caller, path, source.repo_type, spec, owner_user, staged, fork_of=source
        )


def find(uow: UnitOfWork, path: str) -> Repository | None:
    return uow.db.scalar(select(Repository).where(Repository.repo_name == path))


def administered(uow: UnitOfWork, caller: Caller, repoid: object) -> Repository:
    """The repository if the caller administers it, else ``repository `<repoid>` does not exist``."""
    return access.repo(uow, caller, repoid, "repository.admin")


def get_repo(uow: UnitOfWork, caller: Caller, repoid: object, refresh: bool = False) -> Repository:
    repo = access.repo(uow, caller, repoid, "repository.read")
    if refresh:
        repo_disk.refresh_summary(uow, repo)
    return repo


def followers(uow: UnitOfWork, repo: Repository) -> list[User]:
    return list(
        uow.db.scalars(
            select(User)
            .join(UserFollowing, UserFollowing.user_id == User.user_id)
            .where(UserFollowing.follows_repo_id == repo.repo_id)
            .order_by(User.username)
        )
    )


def forks_of(uow: UnitOfWork, repo: Repository) -> list[Repository]:
    return list(uow.db.scalars(select(Repository).where(Repository.fork_id == repo.repo_id)))


def delete_repo(uow: UnitOfWork, caller: Caller, repo: Repository, forks: object = "") -> int:
    """Delete the row; move the folder aside as ``rm__<stamp>__<name>``. Returns forks handled.

    Admin on the repository needed; with ``forks="delete"`` its forks go too, whoever owns them
    (RC4's rule: deleting a repository may take its forks along)."""
    access.require_repo(caller, repo, "repository.admin")
    return _delete(uow, caller, repo, forks)


def _delete(uow: UnitOfWork, caller: Caller, repo: Repository, forks: object) -> int:
    children = forks_of(uow, repo)
    if children and forks not in ("detach", "delete"):
        raise Conflict(f"Cannot delete `{repo.repo_name}` it still contains attached forks")
    for child in children:
        if forks == "delete":
            _delete(uow, caller, child, forks="delete")
        else:
            child.fork_id = None
    uow.db.flush()
    _archive_folder(uow, repo)
    search_notices.repository_changed(uow, repo.repo_id)  # its documents are dropped
    uow.db.delete(repo)
    uow.db.flush()
    caller.forget_permissions()
    return len(children)


def _archive_folder(uow: UnitOfWork, repo: Repository) -> None:
    folder = repo_disk.path(uow, repo)
    admin_dir = folder / f".{repo.repo_type}"
    if admin_dir.is_dir():  # non-bare: disable it so nothing mistakes it for a live repository
        disabled = folder / f"rm__.{repo.repo_type}"
        admin_dir.rename(disabled)
        uow.on_rollback(lambda: disabled.rename(admin_dir))
    storage.move_aside(uow, repo.repo_name, f"__{repo.short_name}")
