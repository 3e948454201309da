"""Scenarios of the group-permission matrix: rights copied down to children (later children,
copy_permissions, private repositories, parents created on the way)."""

from __future__ import annotations

from tests.services.group_scenarios import GROUP, REPO
from vcshub.permissions.caller import Caller
from vcshub.services import repo_groups, repos


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
