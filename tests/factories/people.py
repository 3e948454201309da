"""Service-level users, callers and user groups, made through the services in a unit of work.

A caller is who a service runs for: :func:`caller` wraps a user, and ``CONSOLE`` (the machine's
administrator) makes the accounts themselves, as ``vcshub init`` and the admin CLI do.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.factories.naming import unique
from vcshub.db.models import User, UserGlobalPermission, UserGroup
from vcshub.permissions.caller import CONSOLE, Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import user_groups, users


def user(uow, by=CONSOLE, *, username: str | None = None, admin: bool = False, **fields) -> User:
    """A new account (no password unless given: hashing one costs time)."""
    name = username or unique("u")
    fields.setdefault("email", f"{name}@example.com")
    return users.create_user(uow, by, username=name, admin=admin, **fields)


def admin(uow) -> User:
    """A new super-admin."""
    return user(uow, admin=True, username=unique("root"))


def caller(uow, who: User) -> Caller:
    """``who`` as the caller of a service, with his effective permissions."""
    return Caller(uow.db, who)


def default_user(uow) -> User:
    """The anonymous ``default`` user, who carries the site defaults (2.2)."""
    return uow.db.scalar(select(User).where(User.username == DEFAULT_USERNAME))


def without_global(uow, who: User, *taken: str) -> None:
    """``who`` stops inheriting the default user's global rights and keeps all but ``taken``.

    E.g. ``without_global(uow, u, "hg.create.repository")``: he may no longer create repositories
    at the top level (2.4). The rows are written directly: no service grants global rights.
    """
    defaults = uow.db.scalars(
        select(UserGlobalPermission.permission).where(
            UserGlobalPermission.user_id == default_user(uow).user_id
        )
    ).all()
    replacements = {"hg.create.repository": "hg.create.none", "hg.fork.repository": "hg.fork.none",
                    "hg.repogroup.create.true": "hg.repogroup.create.false",
                    "hg.usergroup.create.true": "hg.usergroup.create.false"}
    kept = [replacements.get(p, p) if p in taken else p for p in defaults
            if not p.startswith(("repository.", "group.", "usergroup."))]
    who.inherit_default_permissions = False
    uow.db.add_all(UserGlobalPermission(user_id=who.user_id, permission=p) for p in kept)
    uow.db.flush()


def user_group(uow, by: Caller, *members: User, name: str | None = None,
               owner: User | None = None, active: bool = True) -> UserGroup:
    """A user group with ``members``, made and filled by ``by``."""
    group = user_groups.create_user_group(
        uow, by, name or unique("ug"), owner=owner.username if owner else None, active=active
    )
    for member in members:
        user_groups.add_member(uow, by, group, member)
    return group
