"""Scenarios of the group-permission matrix: each builds one situation for the user "me".

Here: rights on repository groups (defaults, user groups, explicit rows, owners); the user-group
and super-admin scenarios are in user_group_scenarios.py, copies down to children in
copy_scenarios.py."""

from __future__ import annotations

from tests.services.permission_world import World
from vcshub.db.models import (
    UserGroupGlobalPermission,
)
from vcshub.services import grants, repo_groups

# -- scenarios ----------------------------------------------------------------------------------
# A scenario builds the situation and returns (target, object) for the row's assertions.
REPO, GROUP, UG = grants.REPO, grants.REPO_GROUP, grants.USER_GROUP


def apply_scenario(subject: str, apply: str, obj: str, perm="group.write"):
    """``subject`` (me, or a user group holding me) gets ``perm`` on G with ``apply``."""

    def scenario(w: World):
        tree = w.tree()
        if subject == "me":
            w.grant_user(tree["G"], w.me, perm, apply)
        else:
            w.grant_ug(tree["G"], w.user_group("ug", w.me), perm, apply)
        return (REPO if obj.startswith("r") else GROUP), tree[obj]

    return scenario


def revoke_scenario(subject: str, apply: str, obj: str):
    """Granted ``group.write`` with ``all`` below G, then revoked with ``apply``."""

    def scenario(w: World):
        tree = w.tree()
        if subject == "me":
            w.grant_user(tree["G"], w.me, "group.write", "all")
            w.revoke_user(tree["G"], w.me, apply)
        else:
            ug = w.user_group("ug", w.me)
            w.grant_ug(tree["G"], ug, "group.write", "all")
            w.revoke_ug(tree["G"], ug, apply)
        return (REPO if obj.startswith("r") else GROUP), tree[obj]

    return scenario


# user vs user group on a repository group
def s_rg_default(w):
    return GROUP, w.group()


def s_rg_user_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.write")
    return GROUP, g


def s_rg_user_group_none_replaces_default(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.none")
    return GROUP, g


def s_rg_strongest_user_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.read")
    w.grant_ug(g, w.user_group("ug2", w.me), "group.admin")
    return GROUP, g


def s_rg_explicit_beats_user_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.admin")
    w.grant_user(g, w.me, "group.read")
    return GROUP, g


def s_rg_explicit_none_beats_user_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.write")
    w.grant_user(g, w.me, "group.none")
    return GROUP, g


def s_rg_inactive_user_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me, active=False), "group.admin")
    return GROUP, g


def s_rg_user_group_without_me(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.other), "group.admin")
    return GROUP, g


def _conflict_recursive(w, obj):
    tree = w.tree()
    w.grant_ug(tree["G"], w.user_group("ug", w.me), "group.admin", "all")
    w.grant_user(tree["G"], w.me, "group.read", "all")
    return (REPO if obj.startswith("r") else GROUP), tree[obj]


def s_rg_conflict_recursive_repo(w):
    return _conflict_recursive(w, "r2")


def s_rg_conflict_recursive_subgroup(w):
    return _conflict_recursive(w, "S")


# default user and inheritance on a repository group
def s_rg_default_raised(w):
    g = w.group()
    w.grant_user(g, w.default, "group.write")
    return GROUP, g


def s_rg_default_none(w):
    g = w.group()
    w.grant_user(g, w.default, "group.none")
    return GROUP, g


def s_rg_default_revoked(w):
    g = w.group()
    w.revoke_user(g, w.default)
    return GROUP, g


def s_rg_default_recursive_public_repo(w):
    tree = w.tree()
    w.grant_user(tree["G"], w.default, "group.write", "all")
    return REPO, tree["r1"]


def s_rg_not_inheriting(w):
    w.not_inheriting()
    return GROUP, w.group()


def s_rg_not_inheriting_explicit(w):
    w.not_inheriting()
    g = w.group()
    w.grant_user(g, w.me, "group.write")
    return GROUP, g


def s_rg_not_inheriting_user_group(w):
    w.not_inheriting()
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.read")
    return GROUP, g


# owner of a repository group
def s_rg_owner(w):
    return GROUP, w.group(owner=w.me)


def s_rg_owner_row_lowered(w):
    g = w.group(owner=w.me)
    w.grant_user(g, w.me, "group.none")
    return GROUP, g


def s_rg_owner_user_group_none(w):
    g = w.group(owner=w.me)
    w.revoke_user(g, w.me)
    w.grant_ug(g, w.user_group("ug", w.me), "group.none")
    return GROUP, g


def s_rg_owner_not_inheriting(w):
    """Deviation (2.5 step 3): the owner keeps ``group.admin`` without inheritance."""
    g = w.group(owner=w.me)
    w.revoke_user(g, w.me)  # no explicit row: only the owner rule can give admin
    w.not_inheriting()
    return GROUP, g


def s_rg_owner_made_by_update(w):
    g = w.group()
    repo_groups.update_repo_group(w.uow, w.caller, g.group_id, {"owner": w.me.username})
    return GROUP, g


def s_rg_owner_repo_inside(w):
    g = w.group(owner=w.me)
    return REPO, w.repo(f"{g.group_name}/r")


def s_rg_owner_private_repo_inside(w):
    g = w.group(owner=w.me)
    return REPO, w.repo(f"{g.group_name}/p", private=True)


def s_rg_owner_subgroup_inside(w):
    g = w.group(owner=w.me)
    return GROUP, w.group(f"{g.group_name}/S")


# more of the default user and inheritance
def s_rg_site_default_write(w):
    """2.3: a new group's default row takes the default user's ``group.*`` value."""
    w.set_site_default("group.read", "group.write")
    return GROUP, w.group()


def s_rg_default_recursive_subgroup(w):
    tree = w.tree()
    w.grant_user(tree["G"], w.default, "group.none", "groups")
    return GROUP, tree["S"]


def _non_inheriting_user_group(w):
    """A user group that does not inherit, holding ``hg.inherit_default_perms.false`` (2.4)."""
    ug = w.user_group("ug", w.me)
    ug.inherit_default_permissions = False
    for perm in ("hg.inherit_default_perms.false", "hg.create.repository"):
        w.uow.db.add(UserGroupGlobalPermission(users_group_id=ug.users_group_id, permission=perm))
    w.uow.db.flush()


def s_rg_not_inheriting_via_user_group(w):
    _non_inheriting_user_group(w)
    return GROUP, w.group()


def s_rg_owner_not_inheriting_via_user_group(w):
    """Deviation (2.5 step 3) also when the inheritance is switched off by a user group."""
    _non_inheriting_user_group(w)
    g = w.group(owner=w.me)
    w.revoke_user(g, w.me)
    return GROUP, g


def s_rg_moved_under_granted_parent(w):
    """Moving a group under one where I am admin gives me nothing: no dynamic inheritance."""
    parent = w.group()
    w.grant_user(parent, w.me, "group.admin")
    g = w.group()
    repo_groups.update_repo_group(w.uow, w.caller, g.group_id, {"parent": parent.group_id})
    return GROUP, g
