"""Scenarios of the group-permission matrix on user groups, and for super-admins."""

from __future__ import annotations

from tests.services.group_scenarios import GROUP, REPO, UG


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
