"""What a viewer may see of a repository's fork relations, and where he may put a new fork.

The pages ask here instead of checking permissions themselves: the parent a fork names is shown
only to who may read it, a repository's forks only to who may read each of them (one bulk
permission map for all of them, never a query per fork), and the fork form offers only the
groups :func:`vcshub.services.repos.fork_repo` would accept. Anonymous visitors are the
``default`` user, as in :func:`vcshub.services.repo_contents.readable_repo`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from vcshub.db.models import RepoGroup, Repository, User
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import access, vcs_access
from vcshub.services.unit_of_work import UnitOfWork

READ = "repository.read"


@dataclass(frozen=True, slots=True)
class ForkRow:
    """One fork as the forks page lists it."""

    repo_name: str
    description: str
    repo_type: str
    private: bool
    owner: str | None
    created_on: dt.datetime | None


def _caller(uow: UnitOfWork, user: User | None) -> Caller | None:
    subject = user or vcs_access.anonymous_user(uow)
    return Caller(uow.db, subject) if subject is not None else None


def visible_parent(uow: UnitOfWork, user: User | None, repo: Repository) -> Repository | None:
    """The repository ``repo`` was forked from, if ``user`` may read it (else None: a private
    parent is not revealed, not even by name)."""
    if repo.fork_id is None:
        return None
    caller = _caller(uow, user)
    parent = uow.db.get(Repository, repo.fork_id)
    if caller is None or parent is None:
        return None
    return parent if access.can_repo(caller, parent, READ) else None


def visible_forks(uow: UnitOfWork, user: User | None, repo: Repository) -> list[ForkRow]:
    """The direct forks of ``repo`` that ``user`` may read, by name: one query for the forks,
    one permission map for all of them."""
    caller = _caller(uow, user)
    if caller is None:
        return []
    rows = uow.db.execute(
        select(Repository.repo_id, Repository.repo_name, Repository.description,
               Repository.repo_type, Repository.private, User.username, Repository.created_on)
        .outerjoin(User, User.user_id == Repository.owner_id)
        .where(Repository.fork_id == repo.repo_id)
        .order_by(Repository.repo_name)
    ).all()
    if not rows:
        return []
    perms = caller.perms.repos([row.repo_id for row in rows])
    return [
        ForkRow(row.repo_name, row.description or "", row.repo_type, bool(row.private),
                row.username, row.created_on)
        for row in rows
        if caller.is_admin or names.at_least(perms.get(row.repo_id), READ)
    ]


@dataclass(frozen=True, slots=True)
class ForkPlaces:
    """Where a user may create a fork: ``top_level`` (no group) and these groups' names."""

    may_fork: bool
    top_level: bool
    groups: list[str]


def fork_places(uow: UnitOfWork, user: User) -> ForkPlaces:
    """The places :func:`vcshub.services.repos.fork_repo` accepts for ``user``: anywhere with
    ``hg.create.repository``, otherwise the groups he administers; nothing without
    ``hg.fork.repository``. One query for the groups, one permission map."""
    caller = Caller(uow.db, user)
    if not caller.perms.has_global("hg.fork.repository"):
        return ForkPlaces(may_fork=False, top_level=False, groups=[])
    everywhere = caller.perms.has_global("hg.create.repository")
    groups = uow.db.execute(
        select(RepoGroup.group_id, RepoGroup.group_name).order_by(RepoGroup.group_name)
    ).all()
    if everywhere:
        return ForkPlaces(True, True, [g.group_name for g in groups])
    perms = caller.perms.repo_groups([g.group_id for g in groups])
    return ForkPlaces(
        True, False,
        [g.group_name for g in groups if names.at_least(perms.get(g.group_id), "group.admin")],
    )
