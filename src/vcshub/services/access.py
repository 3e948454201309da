"""Permission checks shared by the services: fetch an object only if the caller may."""

from __future__ import annotations

from collections.abc import Collection

from vcshub.db.models import RepoGroup, Repository, UserGroup
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import lookup
from vcshub.services.errors import AccessDenied, NotFound
from vcshub.services.unit_of_work import UnitOfWork


def require_global(caller: Caller, permission: str) -> None:
    if not caller.perms.has_global(permission):
        raise AccessDenied()


def repo(uow: UnitOfWork, caller: Caller, ident: object, needed: str) -> Repository:
    """The repository, or ``repository `<ident>` does not exist`` when missing or not allowed."""
    found = lookup.repo(uow.db, ident)
    if not can_repo(caller, found, needed):
        raise NotFound("repository", ident)
    return found


def can_repo(caller: Caller, found: Repository, needed: str) -> bool:
    return caller.is_admin or names.at_least(caller.perms.repo(found.repo_id), needed)


def repos_allowing(caller: Caller, ids: Collection[int], needed: str) -> set[int]:
    """Of the repositories ``ids``, those on which the caller holds ``needed``: the rule of
    :func:`can_repo`, for many at once (one bulk permission computation)."""
    if caller.is_admin:
        return set(ids)
    return {rid for rid, perm in caller.perms.repos(ids).items() if names.at_least(perm, needed)}


def repo_group(uow: UnitOfWork, caller: Caller, ident: object, needed: str) -> RepoGroup:
    found = lookup.repo_group(uow.db, ident)
    if not can_repo_group(caller, found, needed):
        raise NotFound("repository group", ident)
    return found


def can_repo_group(caller: Caller, found: RepoGroup, needed: str) -> bool:
    return caller.is_admin or names.at_least(caller.perms.repo_group(found.group_id), needed)


def user_group(uow: UnitOfWork, caller: Caller, ident: object, needed: str) -> UserGroup:
    found = lookup.user_group(uow.db, ident)
    if not can_user_group(caller, found, needed):
        raise NotFound("user group", ident)
    return found


def can_user_group(caller: Caller, found: UserGroup, needed: str) -> bool:
    return caller.is_admin or names.at_least(
        caller.perms.user_group(found.users_group_id), needed
    )


# Guards for writers that receive objects already resolved: a service never trusts that the
# adapter checked (a web button or CLI command may call it directly), so it checks again. The
# permission maps are cached per caller, so a repeated check costs no query.


def require_repo(caller: Caller, found: Repository, needed: str) -> None:
    if not can_repo(caller, found, needed):
        raise NotFound("repository", found.repo_name)


def require_repo_group(caller: Caller, found: RepoGroup, needed: str) -> None:
    if not can_repo_group(caller, found, needed):
        raise NotFound("repository group", found.group_name)


def require_user_group(caller: Caller, found: UserGroup, needed: str) -> None:
    if not can_user_group(caller, found, needed):
        raise NotFound("user group", found.group_name)
