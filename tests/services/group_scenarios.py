"""Scenarios of the group-permission matrix: each builds one situation for the user "me"."""

from __future__ import annotations

import itertools

from vcshub.db.models import (
    UserGroupGlobalPermission,
)
from vcshub.permissions.caller import Caller
from vcshub.services import grants, repo_groups, repos

_seq = itertools.count()

from tests.services.permission_world import World

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


# later children and copy_permissions (2.3)
def s_later_repo_no_copy(w):
    tree = w.tree()
    w.grant_user(tree["G"], w.me, "group.write", "all")
    return REPO, w.repo(f"{tree['G'].group_name}/later")


def s_later_subgroup_no_copy(w):
    tree = w.tree()
    w.grant_user(tree["G"], w.me, "group.write", "all")
    return GROUP, w.group(f"{tree['G'].group_name}/later")


def s_later_repo_copy(w):
    tree = w.tree()
    w.grant_user(tree["G"], w.me, "group.write", "all")
    return REPO, w.repo(f"{tree['G'].group_name}/later", copy=True)


def s_later_subgroup_copy(w):
    tree = w.tree()
    w.grant_user(tree["G"], w.me, "group.write", "all")
    return GROUP, w.group(f"{tree['G'].group_name}/later", copy=True)


def s_copy_repo_via_user_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.admin")
    return REPO, w.repo(f"{g.group_name}/r", copy=True)


def s_copy_repo_user_beats_copied_group(w):
    g = w.group()
    w.grant_ug(g, w.user_group("ug", w.me), "group.admin")
    w.grant_user(g, w.me, "group.read")
    return REPO, w.repo(f"{g.group_name}/r", copy=True)


def s_copy_repo_group_none(w):
    g = w.group()
    w.grant_user(g, w.me, "group.none")
    return REPO, w.repo(f"{g.group_name}/r", copy=True)


def s_copy_repo_default_raised(w):
    g = w.group()
    w.grant_user(g, w.default, "group.write")
    return REPO, w.repo(f"{g.group_name}/r", copy=True)


def s_copy_repo_group_owner_row(w):
    """The group owner's explicit ``group.admin`` row is copied; he is not the repo's owner."""
    g = w.group(owner=w.me)
    return REPO, w.repo(f"{g.group_name}/r", copy=True)


def s_copy_private_repo(w):
    g = w.group()
    w.grant_user(g, w.me, "group.read")
    return REPO, w.repo(f"{g.group_name}/p", private=True, copy=True)


def s_copy_private_repo_default_write(w):
    g = w.group()
    w.grant_user(g, w.default, "group.write")
    return REPO, w.repo(f"{g.group_name}/p", private=True, copy=True)


def s_copy_subgroup_only_parent_rows(w):
    """copy_permissions copies the direct parent's rows, not the grandparent's."""
    tree = w.tree()
    w.grant_user(tree["G"], w.me, "group.write")
    return GROUP, w.group(f"{tree['S'].group_name}/T", copy=True)


def s_copy_subgroup_owner_row(w):
    g = w.group()
    w.grant_user(g, w.me, "group.read")
    return GROUP, w.group(f"{g.group_name}/T", owner=w.me, copy=True)


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


# private repositories inside a group
def s_priv_no_dynamic_inheritance(w):
    g = w.group()
    w.grant_user(g, w.me, "group.admin")
    return REPO, w.repo(f"{g.group_name}/p", private=True)


def s_priv_user_recursive(w):
    g = w.group()
    p = w.repo(f"{g.group_name}/p", private=True)
    w.grant_user(g, w.me, "group.write", "repos")
    return REPO, p


def s_priv_user_group_recursive(w):
    g = w.group()
    p = w.repo(f"{g.group_name}/p", private=True)
    w.grant_ug(g, w.user_group("ug", w.me), "group.read", "all")
    return REPO, p


def s_priv_default_recursive_grant(w):
    """Deviation (2.6): a recursive grant to ``default`` leaves a private repo's row alone."""
    g = w.group()
    p = w.repo(f"{g.group_name}/p", private=True)
    w.grant_user(g, w.default, "group.write", "all")
    return REPO, p


def s_priv_default_recursive_revoke(w):
    """Only the *grant* is guarded (2.6); a recursive revoke is RC4's, which has no guard."""
    g = w.group()
    p = w.repo(f"{g.group_name}/p", private=True)
    w.revoke_user(g, w.default, "repos")
    return REPO, p


def s_priv_owned_in_group(w):
    g = w.group()
    return REPO, w.repo(f"{g.group_name}/p", owner=w.me, private=True)


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


# user groups as objects
def s_ug_default(w):
    return UG, w.user_group("t")


def s_ug_via_source_group(w):
    target = w.user_group("t")
    w.grant_ug_on_ug(target, w.user_group("ug", w.me), "usergroup.write")
    return UG, target


def s_ug_source_none_replaces_default(w):
    target = w.user_group("t")
    w.grant_ug_on_ug(target, w.user_group("ug", w.me), "usergroup.none")
    return UG, target


def s_ug_strongest_source(w):
    target = w.user_group("t")
    w.grant_ug_on_ug(target, w.user_group("ug", w.me), "usergroup.read")
    w.grant_ug_on_ug(target, w.user_group("ug2", w.me), "usergroup.admin")
    return UG, target


def s_ug_explicit_beats_source(w):
    target = w.user_group("t")
    w.grant_ug_on_ug(target, w.user_group("ug", w.me), "usergroup.admin")
    w.grant_user_on_ug(target, w.me, "usergroup.read")
    return UG, target


def s_ug_inactive_source(w):
    target = w.user_group("t")
    w.grant_ug_on_ug(target, w.user_group("ug", w.me, active=False), "usergroup.admin")
    return UG, target


def s_ug_default_none(w):
    target = w.user_group("t")
    w.grant_user_on_ug(target, w.default, "usergroup.none")
    return UG, target


def s_ug_not_inheriting(w):
    w.not_inheriting()
    return UG, w.user_group("t")


def s_ug_not_inheriting_explicit(w):
    w.not_inheriting()
    target = w.user_group("t")
    w.grant_user_on_ug(target, w.me, "usergroup.write")
    return UG, target


def s_ug_owner(w):
    return UG, w.user_group("t", owner=w.me)


def s_ug_owner_row_lowered(w):
    """No owner rule for user groups (2.5 steps 3-5 name repositories and groups only)."""
    target = w.user_group("t", owner=w.me)
    w.grant_user_on_ug(target, w.me, "usergroup.read")
    return UG, target


# super-admin
def s_sa_group(w):
    w.promote_me()
    g = w.group()
    w.grant_user(g, w.me, "group.none")
    return GROUP, g


def s_sa_private_repo_in_group(w):
    w.promote_me()
    g = w.group()
    w.grant_user(g, w.default, "group.none", "all")
    return REPO, w.repo(f"{g.group_name}/p", private=True)


def s_sa_user_group(w):
    w.promote_me()
    target = w.user_group("t")
    w.grant_user_on_ug(target, w.default, "usergroup.none")
    return UG, target


def s_sa_not_inheriting(w):
    w.promote_me()
    w.not_inheriting()
    return GROUP, w.group()


def s_sa_owns_group(w):
    """2.3: no explicit row for a super-admin owner; 2.7: listed once, as owner."""
    w.promote_me()
    return GROUP, w.group(by=w.me)


def s_sa_owns_user_group(w):
    """2.3: a user group always gets the owner's ``usergroup.admin`` row."""
    w.promote_me()
    return UG, w.user_group("t", by=w.me)


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


def s_copy_top_level_group(w):
    """copy_permissions without a parent: just the default row."""
    return GROUP, w.group(copy=True)


def _auto_created(w):
    """``me`` (holding hg.create.repository by default) creates ``X/Y/r``: X and Y are made."""
    path = f"{w._name('auto')}/Y/r"
    repo = repos.create_repo(w.uow, Caller(w.uow.db, w.me), path, "git", repos.RepoSpec())
    w.names["first_admin"] = repo_groups.first_super_admin(w.uow).username
    return repo


def s_auto_created_parent_group(w):
    """2.3: auto-created parents belong to the first super-admin, with the default row only."""
    repo = _auto_created(w)
    return GROUP, repo_groups.find(w.uow, repo.repo_name.rsplit("/", 1)[0])


def s_auto_created_parent_repo(w):
    return REPO, _auto_created(w)


def s_ug_site_default_none(w):
    w.set_site_default("usergroup.read", "usergroup.none")
    return UG, w.user_group("t")


def s_ug_member_of_target(w):
    """Being a member of a user group is no permission on it."""
    return UG, w.user_group("t", w.me)


def s_ug_owner_not_inheriting(w):
    """Not inheriting: the default gives none, the owner's explicit row (2.3) gives admin."""
    w.not_inheriting()
    return UG, w.user_group("t", owner=w.me)


def s_ug_owner_not_inheriting_row_revoked(w):
    w.not_inheriting()
    target = w.user_group("t", owner=w.me)
    w.revoke_user_on_ug(target, w.me)
    return UG, target
