"""Repository locks: who holds one, since when, why (lock, get_locks / get_user_locks)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vcshub.db.models import Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, users
from vcshub.services.errors import NotYourUser
from vcshub.services.unit_of_work import UnitOfWork

REASON_API = "lock_api"
REASON_PULL = "lock_pull"


def lock_target(uow: UnitOfWork, caller: Caller, repoid: object, userid: object) -> tuple[Repository, User]:
    """The repository (write+ needed) and the user to lock as (only admins may name one)."""
    repo = access.repo(uow, caller, repoid, "repository.write")
    return repo, users.target_user(uow, caller, userid)


def set_lock(uow: UnitOfWork, repo: Repository, user: User, reason: str = REASON_API) -> float:
    now = uow.clock()
    repo.locked_by_id = user.user_id
    repo.locked_since = now
    repo.lock_reason = reason
    uow.db.flush()
    uow.db.refresh(repo)
    return now


def lock(uow: UnitOfWork, caller: Caller, repo: Repository, user: User) -> float:
    """Lock ``repo`` for ``user`` through the API: write+ needed; only admins name someone else."""
    _require_lock_rights(caller, repo, user)
    return set_lock(uow, repo, user)


def unlock(uow: UnitOfWork, caller: Caller, repo: Repository, user: User) -> None:
    _require_lock_rights(caller, repo, user)
    release_lock(uow, repo)


def _require_lock_rights(caller: Caller, repo: Repository, user: User) -> None:
    access.require_repo(caller, repo, "repository.write")
    if user.user_id != caller.user_id and not caller.is_admin:
        raise NotYourUser()


def release_lock(uow: UnitOfWork, repo: Repository) -> None:
    repo.locked_by_id = None
    repo.locked_since = None
    repo.lock_reason = None
    uow.db.flush()
    uow.db.refresh(repo)


def locks_of(uow: UnitOfWork, caller: Caller, userid: object) -> list[Repository]:
    """Repositories currently locked by the user (the caller unless an admin names someone)."""
    user = users.target_user(uow, caller, userid)
    return list(
        uow.db.scalars(
            select(Repository)
            .options(selectinload(Repository.owner), selectinload(Repository.locked_by))
            .where(Repository.locked_by_id == user.user_id)
            .order_by(Repository.repo_id)
        )
    )
