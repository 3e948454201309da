"""A user group's global permissions (RhodeCode's "global permissions" tab of a user group):
whether it inherits the site defaults, and otherwise its own choice in each configurable
family — the same families as a user's (services/user_global_permissions.py).

permissions/effective.py reads them: a member of an active group that does not inherit gets
the group's rows in place of the default user's for those families (his own rows, if he does
not inherit either, still win).

Super-admins only, checked here. RhodeCode lets a group's ``usergroup.admin`` holders change
them, but whoever may create a user group administers it, so that would let any such user hand
himself (through his own group) the right to create repositories or repository groups that the
site refused him.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select

from vcshub.db.models import UserGroup, UserGroupGlobalPermission
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import lookup, users
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.user_global_permissions import GlobalChoices


def _group(uow: UnitOfWork, caller: Caller, ident: object) -> UserGroup:
    users.require_admin(caller)
    return lookup.user_group(uow.db, ident)


def global_choices(uow: UnitOfWork, caller: Caller, ident: object) -> GlobalChoices:
    """Whether the group inherits, and per family its own row (the family's first choice
    where it has none: what the form starts from)."""
    group = _group(uow, caller, ident)
    held = set(uow.db.scalars(select(UserGroupGlobalPermission.permission).where(
        UserGroupGlobalPermission.users_group_id == group.users_group_id)))
    chosen = {family: next((p for p in permissions if p in held), permissions[0])
              for family, permissions in names.CONFIGURABLE_FAMILIES.items()}
    return GlobalChoices(bool(group.inherit_default_permissions), chosen)


def set_global_permissions(uow: UnitOfWork, caller: Caller, ident: object, inherit: bool,
                           chosen: Mapping[str, str]) -> GlobalChoices:
    """Inherit the defaults (the group's rows go), or hold exactly ``chosen``: one permission
    of every configurable family, each checked before anything changes."""
    group = _group(uow, caller, ident)
    rows = []
    if not inherit:
        for family, permissions in names.CONFIGURABLE_FAMILIES.items():
            value = chosen.get(family)
            if value not in permissions:
                raise Invalid(family, f"choose one of: {', '.join(permissions)}")
            rows.append(UserGroupGlobalPermission(users_group_id=group.users_group_id,
                                                  permission=value))
    # Every row goes, as for a user: exactly one per family is written, so nothing stale can
    # come back when the group stops inheriting again.
    uow.db.execute(delete(UserGroupGlobalPermission).where(
        UserGroupGlobalPermission.users_group_id == group.users_group_id))
    uow.db.add_all(rows)
    group.inherit_default_permissions = bool(inherit)
    uow.db.flush()
    caller.forget_permissions()
    return global_choices(uow, caller, group.users_group_id)
