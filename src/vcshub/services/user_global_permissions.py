"""A user's own global permissions (RhodeCode's "global permissions" tab of a user): whether he
inherits the site defaults, and otherwise his own choice in each configurable family (may he
create repositories, repository groups, user groups, fork, ...).

permissions/effective.py reads them: a user who does not inherit gets his own rows in place of
the default user's for the configurable families (his user groups' are overridden by his own).
Super-admin only, checked here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete

from vcshub.db.models import UserGlobalPermission
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services import user_accounts
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork

# family → (label, {permission: label}), in the form's order
FAMILIES: dict[str, tuple[str, dict[str, str]]] = {
    "create": ("Create repositories at the top level",
               {"hg.create.repository": "yes", "hg.create.none": "no"}),
    "create_on_write": ("Create repositories in groups he may write to",
                        {"hg.create.write_on_repogroup.true": "yes",
                         "hg.create.write_on_repogroup.false": "no"}),
    "repogroup_create": ("Create repository groups",
                         {"hg.repogroup.create.true": "yes", "hg.repogroup.create.false": "no"}),
    "usergroup_create": ("Create user groups",
                         {"hg.usergroup.create.true": "yes", "hg.usergroup.create.false": "no"}),
    "fork": ("Fork repositories", {"hg.fork.repository": "yes", "hg.fork.none": "no"}),
    "inherit": ("Inherit the default object permissions",
                {"hg.inherit_default_perms.true": "yes", "hg.inherit_default_perms.false": "no"}),
}
assert {f: set(c) for f, (_l, c) in FAMILIES.items()} == {
    f: set(p) for f, p in names.CONFIGURABLE_FAMILIES.items()}, "a family is missing here"


@dataclass(frozen=True)
class GlobalChoices:
    inherits: bool  # the user takes the site defaults (and his user groups')
    chosen: dict[str, str]  # family → the permission in force now, whatever its origin


def global_choices(uow: UnitOfWork, caller: Caller, user_id: object) -> GlobalChoices:
    user = user_accounts.managed_user(uow, caller, user_id)
    held = EffectivePermissions(uow.db, user).global_perms
    chosen = {}
    for family, permissions in names.CONFIGURABLE_FAMILIES.items():
        chosen[family] = next((p for p in permissions if p in held), permissions[0])
    return GlobalChoices(bool(user.inherit_default_permissions), chosen)


def set_global_permissions(uow: UnitOfWork, caller: Caller, user_id: object, inherit: bool,
                           chosen: Mapping[str, str]) -> GlobalChoices:
    """Inherit the defaults (his own rows go), or hold exactly ``chosen``: one permission of
    every configurable family, each checked before anything changes."""
    user = user_accounts.managed_user(uow, caller, user_id)
    rows = []
    if not inherit:
        for family, permissions in names.CONFIGURABLE_FAMILIES.items():
            value = chosen.get(family)
            if value not in permissions:
                raise Invalid(family, f"choose one of: {', '.join(permissions)}")
            rows.append(UserGlobalPermission(user_id=user.user_id, permission=value))
    # All his rows go, not only those of the families: a user's rows are read only for the
    # configurable families (site-wide ones are always the default user's), so the set written
    # is exactly one row per family and nothing stale can come back when he stops inheriting.
    uow.db.execute(delete(UserGlobalPermission).where(
        UserGlobalPermission.user_id == user.user_id))
    uow.db.add_all(rows)
    user.inherit_default_permissions = bool(inherit)
    uow.db.flush()
    return global_choices(uow, caller, user.user_id)
