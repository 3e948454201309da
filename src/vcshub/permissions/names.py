"""Permission names, their weights and the global-permission families."""

from __future__ import annotations

REPO_PERMS = ("repository.none", "repository.read", "repository.write", "repository.admin")
GROUP_PERMS = ("group.none", "group.read", "group.write", "group.admin")
USER_GROUP_PERMS = ("usergroup.none", "usergroup.read", "usergroup.write", "usergroup.admin")

_LEVEL_WEIGHTS = {"none": 0, "read": 1, "write": 3, "admin": 4}

SUPER_ADMIN = "hg.admin"

# Global families a user or user group may override when it does not inherit defaults.
CONFIGURABLE_FAMILIES: dict[str, tuple[str, ...]] = {
    "create": ("hg.create.none", "hg.create.repository"),
    "create_on_write": (
        "hg.create.write_on_repogroup.true",
        "hg.create.write_on_repogroup.false",
    ),
    "repogroup_create": ("hg.repogroup.create.false", "hg.repogroup.create.true"),
    "usergroup_create": ("hg.usergroup.create.false", "hg.usergroup.create.true"),
    "fork": ("hg.fork.none", "hg.fork.repository"),
    "inherit": ("hg.inherit_default_perms.true", "hg.inherit_default_perms.false"),
}
# Site-wide families: always taken from the default user.
SITE_FAMILIES: dict[str, tuple[str, ...]] = {
    "register": ("hg.register.none", "hg.register.manual_activate", "hg.register.auto_activate"),
    "extern_activate": ("hg.extern_activate.manual", "hg.extern_activate.auto"),
    "password_reset": (
        "hg.password_reset.enabled",
        "hg.password_reset.hidden",
        "hg.password_reset.disabled",
    ),
}
# The default user also holds one default per object family.
OBJECT_DEFAULT_FAMILIES: dict[str, tuple[str, ...]] = {
    "repository": REPO_PERMS,
    "group": GROUP_PERMS,
    "usergroup": USER_GROUP_PERMS,
}

CONFIGURABLE_GLOBALS = frozenset(p for ps in CONFIGURABLE_FAMILIES.values() for p in ps)
GLOBAL_PERMS = frozenset(
    [SUPER_ADMIN, *CONFIGURABLE_GLOBALS, *(p for ps in SITE_FAMILIES.values() for p in ps)]
)
ALL_PERMS = frozenset([*GLOBAL_PERMS, *REPO_PERMS, *GROUP_PERMS, *USER_GROUP_PERMS])

INITIAL_DEFAULT_PERMS = (
    "repository.read",
    "group.read",
    "usergroup.read",
    "hg.create.repository",
    "hg.repogroup.create.false",
    "hg.usergroup.create.false",
    "hg.create.write_on_repogroup.true",
    "hg.fork.repository",
    "hg.register.manual_activate",
    "hg.extern_activate.auto",
    "hg.inherit_default_perms.true",
    "hg.password_reset.enabled",
)

SUPER_ADMIN_GLOBALS = frozenset({SUPER_ADMIN, "hg.create.write_on_repogroup.true"})


def weight(permission: str) -> int:
    """Strength of an object permission: none 0, read 1, write 3, admin 4."""
    return _LEVEL_WEIGHTS[permission.rsplit(".", 1)[1]]


def level(permission: str) -> str:
    return permission.rsplit(".", 1)[1]


def at_least(permission: str | None, needed: str) -> bool:
    """True when ``permission`` (e.g. ``repository.write``) is as strong as ``needed``."""
    return permission is not None and weight(permission) >= weight(needed)


def translate(permission: str, prefix: str) -> str:
    """``group.write`` → ``repository.write`` and the like."""
    return f"{prefix}.{level(permission)}"
