"""Listing repositories for get_repos and the home page: plain column queries, no ORM objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from vcshub.db.models import RepoField, Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork


@dataclass(slots=True)
class Named:
    """The owner (``username``) or fork parent (``repo_name``) of a listed repository."""

    username: str | None = None
    repo_name: str | None = None


@dataclass(slots=True)
class ListedField:
    field_key: str
    field_value: str


@dataclass(slots=True)
class ListedRepo:
    """A repository as get_repos shows it, with the attribute names of :class:`Repository`
    (so ``serializers.repos.repo_data`` takes either), read from plain column queries:
    building 10,000 ORM objects alone would take most of get_repos' 200 ms budget."""

    repo_id: int
    repo_name: str
    repo_type: str
    clone_uri: str | None
    private: bool
    created_on: dt.datetime
    description: str
    landing_rev: str
    enable_statistics: bool
    enable_locking: bool
    enable_downloads: bool
    changeset_cache: dict | None
    locked_since: float | None
    lock_reason: str | None
    repo_state: str
    repo_state_message: str | None
    owner: Named
    fork_of: Named | None = None
    locked_by: User | None = None
    fields: list[ListedField] = field(default_factory=list)


_LISTED_COLUMNS = (
    Repository.repo_id, Repository.repo_name, Repository.repo_type, Repository.clone_uri,
    Repository.private, Repository.created_on, Repository.description, Repository.landing_rev,
    Repository.enable_statistics, Repository.enable_locking, Repository.enable_downloads,
    Repository.changeset_cache, Repository.locked_since, Repository.lock_reason,
    Repository.repo_state, Repository.repo_state_message,
)
# Below this many readable repositories an id filter in SQL beats reading every row.
_FEW = 500


def _readable_ids(caller: Caller) -> set[int] | None:
    """Ids of the repositories the caller may read; None: every one (a super-admin)."""
    if caller.is_admin:
        return None
    return {r for r, perm in caller.perms.repos().items() if perm != "repository.none"}


def readable_names(uow: UnitOfWork, caller: Caller) -> dict[int, str]:
    """Id -> name of every repository the caller may read: two columns, for pages that need
    every name (counts per group) but the details of a few."""
    readable = _readable_ids(caller)
    if readable is not None and not readable:
        return {}
    query = select(Repository.repo_id, Repository.repo_name)
    if readable is not None and len(readable) <= _FEW:
        query = query.where(Repository.repo_id.in_(readable))
    rows = uow.db.connection().execute(query)
    return {rid: name for rid, name in rows if readable is None or rid in readable}


def list_repos(uow: UnitOfWork, caller: Caller, only: set[int] | None = None) -> list[ListedRepo]:
    """Repositories the caller may read, by id: one permission computation and a few set-based
    queries for all of them, whatever their number. ``only``: of these ids (still only those
    the caller may read)."""
    query = (
        select(*_LISTED_COLUMNS, User.username, Repository.fork_id, Repository.locked_by_id)
        .join(User, User.user_id == Repository.owner_id)
        .order_by(Repository.repo_id)
    )
    readable = _readable_ids(caller)
    if only is not None:
        readable = only if readable is None else readable & only
    if readable is not None:
        if not readable:
            return []
        if len(readable) <= _FEW:
            query = query.where(Repository.repo_id.in_(readable))
    owners: dict[str, Named] = {}
    listed, forks, lockers = [], {}, {}
    # Through the session's connection: plain rows, without the ORM's per-row processing;
    # fetched at once (a fetch per row was a fifth of get_repos at 10,000 repositories).
    for *columns, owner, fork_id, locked_by_id in uow.db.connection().execute(query).all():
        if readable is not None and columns[0] not in readable:
            continue
        named = owners.get(owner) or owners.setdefault(owner, Named(username=owner))
        repo = ListedRepo(*columns, owner=named)
        if fork_id is not None:
            forks.setdefault(fork_id, []).append(repo)
        if locked_by_id is not None:
            lockers.setdefault(locked_by_id, []).append(repo)
        listed.append(repo)
    _attach_related(uow, listed, forks, lockers)
    return listed


def ids_under(uow: UnitOfWork, caller: Caller, root: object, traverse: bool) -> set[int] | None:
    """RC-later's ``get_repos(root, traverse)``: ids of the repositories inside group ``root``
    (None: at the top), all levels down or (``traverse`` false) its direct children only;
    None for every repository. A group the caller may not read does not exist (1.8)."""
    if root in (None, ""):
        if traverse:
            return None
        query = select(Repository.repo_id).where(Repository.group_id.is_(None))
    else:
        try:
            group = access.repo_group(uow, caller, root, "group.read")
        except NotFound:
            raise NotFound("Root repository group", root) from None
        if traverse:
            query = select(Repository.repo_id).where(
                Repository.repo_name.startswith(group.group_name + "/", autoescape=True)
            )
        else:
            query = select(Repository.repo_id).where(Repository.group_id == group.group_id)
    return set(uow.db.scalars(query))


def _attach_related(uow: UnitOfWork, listed: list[ListedRepo], forks: dict, lockers: dict) -> None:
    """Fork parents, lock holders and extra fields: few rows, one query each."""
    for parent_id, name in _in_chunks(uow, select(Repository.repo_id, Repository.repo_name),
                                      Repository.repo_id, forks):
        for repo in forks[parent_id]:
            repo.fork_of = Named(repo_name=name)
    for (user,) in _in_chunks(uow, select(User), User.user_id, lockers):
        for repo in lockers[user.user_id]:
            repo.locked_by = user
    by_id = {repo.repo_id: repo for repo in listed}
    fields = uow.db.execute(
        select(RepoField.repo_id, RepoField.field_key, RepoField.field_value)
        .order_by(RepoField.field_id)
    )
    for repo_id, key, value in fields:
        if repo_id in by_id:
            by_id[repo_id].fields.append(ListedField(key, value))


def _in_chunks(uow: UnitOfWork, query, column, ids) -> list:
    ids = list(ids)
    rows = []
    for start in range(0, len(ids), _FEW):
        rows += uow.db.execute(query.where(column.in_(ids[start:start + _FEW]))).all()
    return rows
