"""Who holds which permission on one repository, and why: what its permissions page shows.

The rows written on the repository (users, the ``default`` user, user groups) are read as they
are. Everybody who reaches the repository another way (its owner, the super-administrators,
the members of the user groups granted on it) is listed with the effective permission and the
rule that decided it, both taken from :mod:`permission_origins` (its ``repo_origins``, the rules
of a user's own "my permissions" page scoped to one repository; the levels are the API's
computation) — never inferred here.

Rows a repository group copied down ("apply to children", or the copy a repository made in a
group gets of the group's rows) are ordinary rows of the repository, which keep the group that
wrote them and when (grants.Row's ``copied_from``/``copied_on``): the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from vcshub.db.models import Repository, User, UserGroup, UserGroupMember
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import access, grants, permission_origins
from vcshub.services.errors import Invalid
from vcshub.services.grants import Row
from vcshub.services.unit_of_work import UnitOfWork

# Each inherited row costs a few queries scoped to the repository: a page lists at most this
# many people and says how many more there are.
INHERITED_LIMIT = 50
_OWN_ROW = "own row"


@dataclass(frozen=True)
class Inherited:
    """A user's effective permission on the repository and the rule that gives it."""

    username: str
    permission: str
    source: str


@dataclass(frozen=True)
class AccessReport:
    default: str | None  # the ``default`` user's row; None when revoked
    users: list[Row]
    user_groups: list[Row]
    inherited: list[Inherited]
    more: int  # people left out past INHERITED_LIMIT


def access_report(uow: UnitOfWork, caller: Caller, repo: Repository) -> AccessReport:
    """The permissions page of ``repo``; its administrators (and super-admins) only."""
    access.require_repo(caller, repo, "repository.admin")
    default, users, groups = grants.named_rows(uow, grants.REPO, repo.repo_id)
    _user_rows, group_rows = grants.rows_of(uow, grants.REPO, repo.repo_id)
    people = _people(uow, repo, [gid for gid, _ in group_rows])
    inherited = [_effective(uow, repo, user) for user in people[:INHERITED_LIMIT]]
    return AccessReport(default, users, groups, inherited, max(0, len(people) - INHERITED_LIMIT))


def _people(uow: UnitOfWork, repo: Repository, group_ids: list[int]) -> list[User]:
    """The owner, the active super-administrators and the members of the active user groups
    granted here — those whose access does not (only) come from their own row — by name."""
    members = (select(UserGroupMember.user_id)
               .join(UserGroup, UserGroup.users_group_id == UserGroupMember.users_group_id)
               .where(UserGroupMember.users_group_id.in_(group_ids),
                      UserGroup.active.is_(True)))
    query = select(User).where(
        User.username != DEFAULT_USERNAME,
        User.active.is_(True),
        (User.user_id == repo.owner_id) | User.admin.is_(True) | User.user_id.in_(members),
    ).order_by(User.username)
    return list(uow.db.scalars(query))


def _effective(uow: UnitOfWork, repo: Repository, user: User) -> Inherited:
    origin = permission_origins.repo_origins(uow, user, [repo.repo_id]).get(repo.repo_name)
    if origin is None:  # the computation gave him nothing on this repository
        return Inherited(user.username, "repository.none", "no row and no default permission")
    # permission_origins speaks to the user himself ("granted to you"); this page to an admin
    source = _OWN_ROW if origin.source == "granted to you" else origin.source
    return Inherited(user.username, origin.permission, source)


def why(uow: UnitOfWork, caller: Caller, repo: Repository, user: User) -> Inherited:
    """One user's effective permission on ``repo`` and its rule (administrators only)."""
    access.require_repo(caller, repo, "repository.admin")
    return _effective(uow, repo, user)


def named_user(uow: UnitOfWork, name: str) -> User:
    """The user a permissions form names (exactly, by name): a form's typo is bad input (400),
    not a missing page."""
    found = uow.db.scalar(select(User).where(User.username == name)) if name else None
    if found is None:
        raise Invalid("member", f"there is no user named `{name}`")
    return found


def named_user_group(uow: UnitOfWork, caller: Caller, name: str) -> UserGroup:
    """The user group a permissions form names, if the caller may read it (granting needs
    that, as in repo_permissions); one he may not read is refused like a missing one."""
    found = uow.db.scalar(select(UserGroup).where(UserGroup.group_name == name)) if name else None
    if found is None or not access.can_user_group(caller, found, "usergroup.read"):
        raise Invalid("member", f"there is no user group named `{name}` that you may use")
    return found
