"""Repository groups and user groups in the permission model (REFERENCE.md 2.3-2.7), table-driven.

Every row builds a situation through the services (real database, real folders on disk) and
asserts two things about one ordinary user ("me") and one object:

* the effective permission (2.5), from the single lookup, the bulk map and the ``get_user``
  report (2.8), which must all agree;
* the member-list entries (2.7, what ``get_repo`` / ``get_repo_group`` / ``get_user_group``
  return) of the subjects that explain it, with their ``origin`` ("super-admin", "owner" or
  "permission") and ``type``. An empty list means the subject has no entry at all - e.g. a
  repository created after a recursive grant carries no copy of it.

(test_permission_query_count.py counts the SQL statements of one user's full computation.)
"""

from __future__ import annotations

import pytest

from tests.services import copy_scenarios as copy_sc
from tests.services import group_scenarios as sc
from tests.services import user_group_scenarios as ug_sc
from vcshub.permissions.effective import DEFAULT_USERNAME, EffectivePermissions
from vcshub.services import members
from vcshub.services.permission_report import permission_report


# -- the table ----------------------------------------------------------------------------------
def _e(*specs: str) -> list[tuple[str, str]]:
    """``"permission group.write"`` → ("permission", "group.write")."""
    return [tuple(spec.split()) for spec in specs]


def _apply_rows(subject: str) -> list:
    """(subject grant with apply_to_children) × (G, G/r1, G/S, G/S/r2)."""
    rows = []
    for apply in ("none", "repos", "groups", "all", "bogus"):
        reaches = {
            "G": True,
            "r1": apply in ("repos", "all"),
            "r2": apply in ("repos", "all"),
            "S": apply in ("groups", "all"),
        }
        for obj, reached in reaches.items():
            prefix = "repository" if obj.startswith("r") else "group"
            if reached:
                perm, why = f"{prefix}.write", {subject: _e(f"permission {prefix}.write")}
            else:
                perm = f"{prefix}.read"
                why = {subject: [], "default": _e(f"permission {prefix}.read")}
            if subject != "me":
                why["me"] = []
            rows.append(
                pytest.param(
                    sc.apply_scenario(subject, apply, obj), perm, why,
                    id=f"apply-{subject}-{apply}-{obj}",
                )
            )
    return rows


def _revoke_rows() -> list:
    rows = []
    expected_left = {  # what stays of a "write, all" grant after revoking with `apply`
        "none": {"G": False, "r1": True, "S": True, "r2": True},
        "repos": {"G": False, "r1": False, "S": True, "r2": False},
        "groups": {"G": False, "r1": True, "S": False, "r2": True},
        "all": {"G": False, "r1": False, "S": False, "r2": False},
    }
    for subject in ("me", "ug"):
        for apply, left in expected_left.items():
            for obj, kept in left.items():
                prefix = "repository" if obj.startswith("r") else "group"
                if kept:
                    perm, why = f"{prefix}.write", {subject: _e(f"permission {prefix}.write")}
                else:
                    perm = f"{prefix}.read"
                    why = {subject: [], "default": _e(f"permission {prefix}.read")}
                rows.append(
                    pytest.param(
                        sc.revoke_scenario(subject, apply, obj), perm, why,
                        id=f"revoke-{subject}-{apply}-{obj}",
                    )
                )
    return rows


def _row(scenario, perm, why, marks=()):
    return pytest.param(scenario, perm, why, id=scenario.__name__[2:], marks=marks)


MATRIX = [
    *_apply_rows("me"),
    *_apply_rows("ug"),
    pytest.param(
        sc.apply_scenario("me", "all", "r2", perm="group.none"), "repository.none",
        {"me": _e("permission repository.none"), "default": _e("permission repository.read")},
        id="apply-me-all-r2-none-lowers-default",
    ),
    *_revoke_rows(),
    # later children get nothing, unless created with copy_permissions
    _row(copy_sc.s_later_repo_no_copy, "repository.read",
         {"me": [], "default": _e("permission repository.read")}),
    _row(copy_sc.s_later_subgroup_no_copy, "group.read",
         {"me": [], "default": _e("permission group.read")}),
    _row(copy_sc.s_later_repo_copy, "repository.write",
         {"me": _e("permission repository.write"), "default": _e("permission repository.read")}),
    _row(copy_sc.s_later_subgroup_copy, "group.write",
         {"me": _e("permission group.write"), "default": _e("permission group.read")}),
    _row(copy_sc.s_copy_repo_via_user_group, "repository.admin",
         {"ug": _e("permission repository.admin"), "me": []}),
    _row(copy_sc.s_copy_repo_user_beats_copied_group, "repository.read",
         {"me": _e("permission repository.read"), "ug": _e("permission repository.admin")}),
    _row(copy_sc.s_copy_repo_group_none, "repository.none", {"me": _e("permission repository.none")}),
    _row(copy_sc.s_copy_repo_default_raised, "repository.write",
         {"default": _e("permission repository.write"), "me": []}),
    _row(copy_sc.s_copy_repo_group_owner_row, "repository.admin",
         {"me": _e("permission repository.admin"),
          "other": _e("owner repository.admin")}),
    _row(copy_sc.s_copy_private_repo, "repository.read",
         {"me": _e("permission repository.read"), "default": _e("permission repository.none")}),
    _row(copy_sc.s_copy_private_repo_default_write, "repository.none",
         {"me": [], "default": _e("permission repository.none")}),
    _row(copy_sc.s_copy_subgroup_only_parent_rows, "group.read",
         {"me": [], "default": _e("permission group.read")}),
    _row(copy_sc.s_copy_subgroup_owner_row, "group.admin",
         {"me": _e("owner group.admin", "permission group.admin")}),
    # user vs user group on a repository group
    _row(sc.s_rg_default, "group.read", {"me": [], "default": _e("permission group.read")}),
    _row(sc.s_rg_user_group, "group.write", {"ug": _e("permission group.write"), "me": []}),
    _row(sc.s_rg_user_group_none_replaces_default, "group.none",
         {"ug": _e("permission group.none"), "default": _e("permission group.read")}),
    _row(sc.s_rg_strongest_user_group, "group.admin",
         {"ug": _e("permission group.read"), "ug2": _e("permission group.admin")}),
    _row(sc.s_rg_explicit_beats_user_group, "group.read",
         {"me": _e("permission group.read"), "ug": _e("permission group.admin")}),
    _row(sc.s_rg_explicit_none_beats_user_group, "group.none",
         {"me": _e("permission group.none"), "ug": _e("permission group.write")}),
    _row(sc.s_rg_inactive_user_group, "group.read",
         {"ug": _e("permission group.admin"), "default": _e("permission group.read")}),
    _row(sc.s_rg_user_group_without_me, "group.read", {"ug": _e("permission group.admin")}),
    _row(sc.s_rg_conflict_recursive_repo, "repository.read",
         {"me": _e("permission repository.read"), "ug": _e("permission repository.admin")}),
    _row(sc.s_rg_conflict_recursive_subgroup, "group.read",
         {"me": _e("permission group.read"), "ug": _e("permission group.admin")}),
    # the default user on repository groups
    _row(sc.s_rg_default_raised, "group.write", {"default": _e("permission group.write")}),
    _row(sc.s_rg_default_none, "group.none", {"default": _e("permission group.none")}),
    _row(sc.s_rg_default_revoked, None, {"default": [], "me": []}),
    _row(sc.s_rg_default_recursive_public_repo, "repository.write",
         {"default": _e("permission repository.write")}),
    _row(sc.s_rg_not_inheriting, "group.none", {"default": _e("permission group.read"), "me": []}),
    _row(sc.s_rg_not_inheriting_explicit, "group.write", {"me": _e("permission group.write")}),
    _row(sc.s_rg_not_inheriting_user_group, "group.read", {"ug": _e("permission group.read")}),
    # private repositories inside groups
    _row(copy_sc.s_priv_no_dynamic_inheritance, "repository.none",
         {"me": [], "default": _e("permission repository.none")}),
    _row(copy_sc.s_priv_user_recursive, "repository.write", {"me": _e("permission repository.write")}),
    _row(copy_sc.s_priv_user_group_recursive, "repository.read",
         {"ug": _e("permission repository.read"), "me": []}),
    _row(copy_sc.s_priv_default_recursive_grant, "repository.none",
         {"default": _e("permission repository.none")}),
    _row(copy_sc.s_priv_default_recursive_revoke, None, {"default": [], "me": []}),
    _row(copy_sc.s_priv_owned_in_group, "repository.admin", {"me": _e("owner repository.admin")}),
    # owner of a repository group
    _row(sc.s_rg_owner, "group.admin", {"me": _e("owner group.admin", "permission group.admin")}),
    _row(sc.s_rg_owner_row_lowered, "group.admin",
         {"me": _e("owner group.admin", "permission group.none")}),
    _row(sc.s_rg_owner_user_group_none, "group.admin",
         {"me": _e("owner group.admin"), "ug": _e("permission group.none")}),
    _row(sc.s_rg_owner_not_inheriting, "group.admin", {"me": _e("owner group.admin")}),
    _row(sc.s_rg_owner_made_by_update, "group.admin",
         {"me": _e("owner group.admin"), "other": _e("permission group.admin")}),
    _row(sc.s_rg_owner_repo_inside, "repository.read",
         {"me": [], "other": _e("owner repository.admin")}),
    _row(sc.s_rg_owner_private_repo_inside, "repository.none", {"me": []}),
    _row(sc.s_rg_owner_subgroup_inside, "group.read",
         {"me": [], "other": _e("owner group.admin", "permission group.admin")}),
    # user groups
    _row(ug_sc.s_ug_default, "usergroup.read", {"me": [], "default": _e("permission usergroup.read")}),
    _row(ug_sc.s_ug_via_source_group, "usergroup.write",
         {"ug": _e("permission usergroup.write"), "me": []}),
    _row(ug_sc.s_ug_source_none_replaces_default, "usergroup.none",
         {"ug": _e("permission usergroup.none"), "default": _e("permission usergroup.read")}),
    _row(ug_sc.s_ug_strongest_source, "usergroup.admin",
         {"ug": _e("permission usergroup.read"), "ug2": _e("permission usergroup.admin")}),
    _row(ug_sc.s_ug_explicit_beats_source, "usergroup.read",
         {"me": _e("permission usergroup.read"), "ug": _e("permission usergroup.admin")}),
    _row(ug_sc.s_ug_inactive_source, "usergroup.read", {"ug": _e("permission usergroup.admin")}),
    _row(ug_sc.s_ug_default_none, "usergroup.none", {"default": _e("permission usergroup.none")}),
    _row(ug_sc.s_ug_not_inheriting, "usergroup.none", {"default": _e("permission usergroup.read")}),
    _row(ug_sc.s_ug_not_inheriting_explicit, "usergroup.write",
         {"me": _e("permission usergroup.write")}),
    _row(ug_sc.s_ug_owner, "usergroup.admin",
         {"me": _e("owner usergroup.admin", "permission usergroup.admin")}),
    _row(ug_sc.s_ug_owner_row_lowered, "usergroup.read",
         {"me": _e("owner usergroup.admin", "permission usergroup.read")}),
    # more of the default user, inheritance, auto-created and moved groups
    _row(sc.s_rg_site_default_write, "group.write", {"default": _e("permission group.write")}),
    _row(sc.s_rg_default_recursive_subgroup, "group.none", {"default": _e("permission group.none")}),
    _row(sc.s_rg_not_inheriting_via_user_group, "group.none",
         {"default": _e("permission group.read"), "me": [], "ug": []}),
    _row(sc.s_rg_owner_not_inheriting_via_user_group, "group.admin", {"me": _e("owner group.admin")}),
    _row(sc.s_rg_moved_under_granted_parent, "group.read",
         {"me": [], "default": _e("permission group.read")}),
    _row(copy_sc.s_copy_top_level_group, "group.read",
         {"default": _e("permission group.read"),
          "other": _e("owner group.admin", "permission group.admin")}),
    _row(copy_sc.s_auto_created_parent_group, "group.read",
         {"me": [], "first_admin": _e("owner group.admin"),
          "default": _e("permission group.read")}),
    _row(copy_sc.s_auto_created_parent_repo, "repository.admin",
         {"me": _e("owner repository.admin"), "default": _e("permission repository.read")}),
    _row(ug_sc.s_ug_site_default_none, "usergroup.none", {"default": _e("permission usergroup.none")}),
    _row(ug_sc.s_ug_member_of_target, "usergroup.read", {"me": []}),
    _row(ug_sc.s_ug_owner_not_inheriting, "usergroup.admin",
         {"me": _e("owner usergroup.admin", "permission usergroup.admin")}),
    _row(ug_sc.s_ug_owner_not_inheriting_row_revoked, "usergroup.none",
         {"me": _e("owner usergroup.admin"), "default": _e("permission usergroup.read")}),
    # super-admin
    _row(ug_sc.s_sa_group, "group.admin", {"me": _e("super-admin group.admin", "permission group.none")}),
    _row(ug_sc.s_sa_private_repo_in_group, "repository.admin",
         {"me": _e("super-admin repository.admin"), "default": _e("permission repository.none")}),
    _row(ug_sc.s_sa_user_group, "usergroup.admin", {"me": _e("super-admin usergroup.admin")}),
    _row(ug_sc.s_sa_not_inheriting, "group.admin", {"me": _e("super-admin group.admin")}),
    _row(ug_sc.s_sa_owns_group, "group.admin", {"me": _e("owner group.admin")}),
    _row(ug_sc.s_sa_owns_user_group, "usergroup.admin",
         {"me": _e("owner usergroup.admin", "permission usergroup.admin")}),
]

_REPORT_KEYS = {"repository": "repositories", "group": "repositories_groups",
                "usergroup": "user_groups"}


def _ident(target, obj) -> tuple[int, str]:
    if target is sc.REPO:
        return obj.repo_id, obj.repo_name
    if target is sc.GROUP:
        return obj.group_id, obj.group_name
    return obj.users_group_id, obj.group_name


@pytest.mark.parametrize(("scenario", "expected", "why"), MATRIX)
def test_group_permission_and_origin(world, scenario, expected, why):
    target, obj = scenario(world)
    uow = world.uow
    uow.db.flush()
    uow.db.refresh(obj)
    object_id, object_name = _ident(target, obj)

    # the effective permission: single lookup, bulk map and get_user's report agree
    perms = EffectivePermissions(uow.db, world.me)
    single = {sc.REPO: perms.repo, sc.GROUP: perms.repo_group, sc.UG: perms.user_group}[target]
    bulk = {sc.REPO: perms.repos, sc.GROUP: perms.repo_groups, sc.UG: perms.user_groups}[target]
    assert single(object_id) == expected
    assert bulk().get(object_id) == expected
    report = permission_report(uow, world.me)[_REPORT_KEYS[target.prefix]]
    assert report.get(object_name) == expected

    # the member-list entries (2.7) that explain it, with their origin
    entries = members.member_entries(uow, target, object_id, obj.owner)
    for symbol, wanted in why.items():
        name = world.names[symbol]
        kind = "user_group" if symbol.startswith("ug") else "user"
        got = [(e["origin"], e["permission"]) for e in entries
               if e["name"] == name and e["type"] == kind]
        assert got == wanted, f"{symbol} ({name}) entries on {object_name}: {entries}"
        assert all(e["type"] == kind for e in entries if e["name"] == name)


def test_member_list_order_on_a_repository_group(world):
    """2.7 order: super-admins, owner, explicit user rows (default first, then by strength and
    name), then user-group rows - on a repository group and a user group alike."""
    uow = world.uow
    g = world.group()
    ug = world.user_group("ug", world.me)
    world.grant_user(g, world.me, "group.read")
    world.grant_user(g, world.root, "group.write")
    world.grant_ug(g, ug, "group.admin")
    entries = members.member_entries(uow, sc.GROUP, g.group_id, g.owner)
    origins = [e["origin"] for e in entries]
    owner_at = origins.index("owner")
    assert set(origins[:owner_at]) == {"super-admin"}
    assert world.root.username in [e["name"] for e in entries[:owner_at]]
    assert entries[owner_at]["name"] == world.other.username
    explicit = [(e["name"], e["permission"], e["type"]) for e in entries[owner_at + 1:]]
    assert explicit == [
        (DEFAULT_USERNAME, "group.read", "user"),
        (world.other.username, "group.admin", "user"),  # the owner's own row (2.3)
        (world.root.username, "group.write", "user"),
        (world.me.username, "group.read", "user"),
        (ug.group_name, "group.admin", "user_group"),
    ]
    assert all(e["origin"] == "permission" for e in entries[owner_at + 1:])
