"""The site's default permissions: the ``default`` user's global rows, as RhodeCode's
``/_admin/permissions`` pages show them in three parts —

- application (site-wide, REFERENCE.md 2.4): sign-up and how new accounts start, password
  reset (not the activation of external accounts, ``hg.extern_activate.*``: vcshub has no
  external authentication, so that row decides nothing and is left as it is);
- global: what every user who inherits the defaults may do (create repositories, repository
  groups, user groups, fork, ...);
- object: the ``default`` user's row every new repository, repository group and user group
  gets (grants.write_initial_rows reads it), optionally written over the existing objects'
  ``default`` rows too.

The default user holds exactly one row of each family; a change replaces that row. Super-admin
only, checked here for reads and writes alike.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import delete, select, update

from vcshub.db.models import (
    RepoGroupUserPermission,
    Repository,
    RepoUserPermission,
    UserGlobalPermission,
    UserGroupUserPermission,
)
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import default_user_id
from vcshub.services import users
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.user_global_permissions import FAMILIES as GLOBAL

# family → (label, {permission: label}), in the forms' order
APPLICATION: dict[str, tuple[str, dict[str, str]]] = {
    "register": ("Registration", {
        "hg.register.none": "disabled",
        "hg.register.manual_activate": "allowed, accounts activated by an administrator",
        "hg.register.auto_activate": "allowed, accounts active at once"}),
    "password_reset": ("Password reset", {
        "hg.password_reset.enabled": "enabled",
        "hg.password_reset.hidden": "enabled, not linked from the sign-in page",
        "hg.password_reset.disabled": "disabled"}),
}
OBJECT: dict[str, tuple[str, dict[str, str]]] = {
    "repository": ("Repositories", {p: names.level(p) for p in names.REPO_PERMS}),
    "group": ("Repository groups", {p: names.level(p) for p in names.GROUP_PERMS}),
    "usergroup": ("User groups", {p: names.level(p) for p in names.USER_GROUP_PERMS}),
}
assert {f: set(c) for f, (_l, c) in APPLICATION.items()} == {
    f: set(p) for f, p in names.SITE_FAMILIES.items() if f != "extern_activate"}, \
    "a site family is missing here"
assert {f: set(c) for f, (_l, c) in OBJECT.items()} == {
    f: set(p) for f, p in names.OBJECT_DEFAULT_FAMILIES.items()}, "an object family is missing"

# the default user's rows on existing objects, per object family
_OBJECT_ROWS = {"repository": (RepoUserPermission, RepoUserPermission.repo_id),
                "group": (RepoGroupUserPermission, RepoGroupUserPermission.group_id),
                "usergroup": (UserGroupUserPermission, UserGroupUserPermission.target_group_id)}


def current(uow: UnitOfWork, caller: Caller) -> dict[str, str]:
    """family → the default user's permission, for every family of the three parts. A family
    without a row (``vcshub init`` writes them all) shows what the site does without it."""
    users.require_admin(caller)
    held = set(uow.db.scalars(select(UserGlobalPermission.permission).where(
        UserGlobalPermission.user_id == default_user_id(uow.db))))
    found = {}
    for part in (APPLICATION, GLOBAL, OBJECT):
        for family, (_label, choices) in part.items():
            found[family] = next((p for p in choices if p in held), _without_row(family, choices))
    return found


def _without_row(family: str, choices: Collection[str]) -> str:
    """What a missing row means: objects read (grants.object_default), users inherit
    (EffectivePermissions.inherits_defaults), everything else is closed (site_policy, and
    ``has_global`` of the permission that would open it)."""
    if family in OBJECT:
        return f"{family}.read"
    if family == "inherit":
        return "hg.inherit_default_perms.true"
    return next(p for p in choices if p.rsplit(".", 1)[1] in ("none", "false", "disabled"))


def set_application(uow: UnitOfWork, caller: Caller, chosen: Mapping[str, str]) -> None:
    _replace(uow, caller, APPLICATION, chosen)


def set_global(uow: UnitOfWork, caller: Caller, chosen: Mapping[str, str]) -> None:
    _replace(uow, caller, GLOBAL, chosen)


def set_object_defaults(uow: UnitOfWork, caller: Caller, chosen: Mapping[str, str],
                        overwrite: Collection[str] = ()) -> dict[str, int]:
    """New objects' ``default`` row; for the families in ``overwrite`` the existing objects'
    ``default`` rows become it too (how many changed, by family). Private repositories keep
    theirs: private means ``none`` for the default user whatever its row says, and a
    repository made public again should not come back wide open."""
    unknown = set(overwrite) - set(OBJECT)
    if unknown:
        raise Invalid("overwrite", f"unknown object family: {', '.join(sorted(unknown))}")
    _replace(uow, caller, OBJECT, chosen)
    default_id = default_user_id(uow.db)
    changed = {}
    for family in overwrite:
        table, object_column = _OBJECT_ROWS[family]
        statement = update(table).where(table.user_id == default_id)
        if family == "repository":
            statement = statement.where(object_column.in_(
                select(Repository.repo_id).where(Repository.private.is_(False))))
        result = uow.db.execute(statement.values(permission=chosen[family]),
                                execution_options={"synchronize_session": False})
        changed[family] = result.rowcount
    uow.db.expire_all()  # rows loaded before the bulk update must not be believed
    return changed


def _replace(uow: UnitOfWork, caller: Caller, part: Mapping, chosen: Mapping[str, str]) -> None:
    """Every family of ``part`` checked before anything changes, then one row each."""
    users.require_admin(caller)
    picked = {}
    for family, (_label, choices) in part.items():
        value = chosen.get(family)
        if value not in choices:
            raise Invalid(family, f"choose one of: {', '.join(choices)}")
        picked[family] = value
    default_id = default_user_id(uow.db)
    every = [p for _label, choices in part.values() for p in choices]
    uow.db.execute(delete(UserGlobalPermission).where(
        UserGlobalPermission.user_id == default_id, UserGlobalPermission.permission.in_(every)))
    uow.db.add_all(UserGlobalPermission(user_id=default_id, permission=value)
                   for value in picked.values())
    uow.db.flush()
