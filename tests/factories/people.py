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


def global_rights(uow, who: User, *rights: str) -> None:
    """``who`` stops inheriting the default user's global rights (2.4) and holds his own: the
    default user's, with each of ``rights`` in place of its family's value.

    E.g. ``global_rights(uow, u, "hg.create.none")``: he may no longer create repositories at
    the top level. The rows are written directly: no service grants global rights.
    """
    def family(permission: str) -> str:  # hg.create.none → hg.create
        return permission.rsplit(".", 1)[0]

    defaults = uow.db.scalars(
        select(UserGlobalPermission.permission).where(
            UserGlobalPermission.user_id == default_user(uow).user_id
        )
    ).all()
    replaced = {family(r): r for r in rights}
    own = {replaced.get(family(p), p) for p in defaults
           if not p.startswith(("repository.", "group.", "usergroup."))} | set(rights)
    who.inherit_default_permissions = False
    uow.db.add_all(UserGlobalPermission(user_id=who.user_id, permission=p) for p in sorted(own))
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
