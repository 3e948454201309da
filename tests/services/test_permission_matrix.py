"""The effective-permission rules of REFERENCE.md 2.4/2.5, table-driven, on every database."""

from __future__ import annotations

import itertools

import pytest

from vcshub.permissions.caller import CONSOLE
from vcshub.db.models import Repository, UserGlobalPermission, UserGroup, UserGroupMember
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import EffectivePermissions, default_user_id
from vcshub.services import grants, members, users

_seq = itertools.count()


def _user(uow, admin=False):
    name = f"pm{next(_seq)}"
    return users.create_user(uow, CONSOLE, username=name, email=f"{name}@example.com", admin=admin)


def _repo(uow, owner, private=False):
    repo = Repository(
        repo_name=f"pmrepo{next(_seq)}", repo_type="git", owner_id=owner.user_id, private=private
    )
    uow.db.add(repo)
    uow.db.flush()
    grants.write_initial_rows(uow, grants.REPO, repo.repo_id, private=private)
    return repo


def _user_group(uow, owner, member, active=True):
    group = UserGroup(group_name=f"pmgroup{next(_seq)}", owner_id=owner.user_id, active=active)
    group.members.append(UserGroupMember(user_id=member.user_id))
    uow.db.add(group)
    uow.db.flush()
    return group


def _no_inherit(uow, user, *perms):
    user.inherit_default_permissions = False
    for perm in perms:
        uow.db.add(UserGlobalPermission(user_id=user.user_id, permission=perm))
    uow.db.flush()


# Each scenario builds the situation and returns (user, repo); then the expected permission.
def s_default_read(uow, me, other):
    return _repo(uow, other)


def s_private_other(uow, me, other):
    return _repo(uow, other, private=True)


def s_private_owner(uow, me, other):
    return _repo(uow, me, private=True)


def s_owner_explicit_none(uow, me, other):
    repo = _repo(uow, me)
    grants.set_user(uow, grants.REPO, repo.repo_id, me.user_id, "repository.none")
    return repo


def s_group_write(uow, me, other):
    repo = _repo(uow, other)
    group = _user_group(uow, other, me)
    grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, "repository.write")
    return repo


def s_group_none_replaces_default(uow, me, other):
    repo = _repo(uow, other)
    group = _user_group(uow, other, me)
    grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, "repository.none")
    return repo


def s_strongest_group_wins(uow, me, other):
    repo = _repo(uow, other)
    for perm in ("repository.read", "repository.admin", "repository.write"):
        group = _user_group(uow, other, me)
        grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, perm)
    return repo


def s_explicit_beats_group_even_weaker(uow, me, other):
    repo = s_group_write(uow, me, other)
    grants.set_user(uow, grants.REPO, repo.repo_id, me.user_id, "repository.read")
    return repo


def s_explicit_on_private(uow, me, other):
    repo = _repo(uow, other, private=True)
    grants.set_user(uow, grants.REPO, repo.repo_id, me.user_id, "repository.write")
    return repo


def s_group_on_private(uow, me, other):
    repo = _repo(uow, other, private=True)
    group = _user_group(uow, other, me)
    grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, "repository.read")
    return repo


def s_inactive_group_ignored(uow, me, other):
    repo = _repo(uow, other)
    group = _user_group(uow, other, me, active=False)
    grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, "repository.admin")
    return repo


def s_not_inheriting(uow, me, other):
    _no_inherit(uow, me, "hg.inherit_default_perms.false")
    return _repo(uow, other)


def s_not_inheriting_group_grant(uow, me, other):
    repo = s_not_inheriting(uow, me, other)
    group = _user_group(uow, other, me)
    grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, "repository.write")
    return repo


def s_default_user_read_revoked(uow, me, other):
    repo = _repo(uow, other)
    grants.revoke_user(uow, grants.REPO, repo.repo_id, default_user_id(uow.db))
    return repo


def s_default_user_raised(uow, me, other):
    repo = _repo(uow, other)
    grants.set_user(uow, grants.REPO, repo.repo_id, default_user_id(uow.db), "repository.write")
    return repo


MATRIX = [
    (s_default_read, "repository.read"),
    (s_private_other, "repository.none"),
    (s_private_owner, "repository.admin"),
    (s_owner_explicit_none, "repository.admin"),
    (s_group_write, "repository.write"),
    (s_group_none_replaces_default, "repository.none"),
    (s_strongest_group_wins, "repository.admin"),
    (s_explicit_beats_group_even_weaker, "repository.read"),
    (s_explicit_on_private, "repository.write"),
    (s_group_on_private, "repository.read"),
    (s_inactive_group_ignored, "repository.read"),
    (s_not_inheriting, "repository.none"),
    (s_not_inheriting_group_grant, "repository.write"),
    (s_default_user_read_revoked, None),
    (s_default_user_raised, "repository.write"),
]


@pytest.mark.parametrize(("scenario", "expected"), MATRIX, ids=[s.__name__[2:] for s, _ in MATRIX])
def test_effective_repository_permission(uow, scenario, expected):
    me, other = _user(uow), _user(uow)
    repo = scenario(uow, me, other)
    perms = EffectivePermissions(uow.db, me)
    assert perms.repo(repo.repo_id) == expected
    # The bulk map agrees with the single lookup.
    assert perms.repos().get(repo.repo_id) == expected


def test_super_admin_has_admin_everywhere(uow):
    admin, other = _user(uow, admin=True), _user(uow)
    repo = _repo(uow, other, private=True)
    perms = EffectivePermissions(uow.db, admin)
    assert perms.repo(repo.repo_id) == "repository.admin"
    assert perms.global_perms == {"hg.admin", "hg.create.write_on_repogroup.true"}


def test_global_permissions_from_default_and_overrides(uow):
    me, other = _user(uow), _user(uow)
    assert "hg.create.repository" in EffectivePermissions(uow.db, me).global_perms
    group = _user_group(uow, other, me)
    group.inherit_default_permissions = False
    from vcshub.db.models import UserGroupGlobalPermission

    for perm in ("hg.create.none", "hg.usergroup.create.true", "hg.fork.none"):
        uow.db.add(UserGroupGlobalPermission(users_group_id=group.users_group_id, permission=perm))
    uow.db.flush()
    perms = EffectivePermissions(uow.db, me).global_perms
    assert "hg.create.none" in perms and "hg.create.repository" not in perms
    assert "hg.usergroup.create.true" in perms
    assert "hg.register.manual_activate" in perms  # site families always from default
    assert "repository.read" in perms


def test_user_rows_ignored_while_inheriting(uow):
    me = _user(uow)
    uow.db.add(UserGlobalPermission(user_id=me.user_id, permission="hg.create.none"))
    uow.db.flush()
    assert "hg.create.repository" in EffectivePermissions(uow.db, me).global_perms
    _no_inherit(uow, me)
    perms = EffectivePermissions(uow.db, me).global_perms
    assert "hg.create.none" in perms and "hg.create.repository" not in perms


def test_member_list_origins(uow):
    owner, reader, admin = _user(uow), _user(uow), _user(uow, admin=True)
    repo = _repo(uow, owner)
    grants.set_user(uow, grants.REPO, repo.repo_id, reader.user_id, "repository.read")
    grants.set_user(uow, grants.REPO, repo.repo_id, owner.user_id, "repository.write")
    group = _user_group(uow, owner, reader)
    grants.set_user_group(uow, grants.REPO, repo.repo_id, group.users_group_id, "repository.write")
    entries = members.member_entries(uow, grants.REPO, repo.repo_id, owner)
    origins = [(e["name"], e["origin"], e["type"], e["permission"]) for e in entries]
    assert (admin.username, "super-admin", "user", "repository.admin") in origins
    owner_index = origins.index((owner.username, "owner", "user", "repository.admin"))
    assert all(o[1] == "super-admin" for o in origins[:owner_index])
    explicit = origins[owner_index + 1 :]
    assert explicit[0] == ("default", "permission", "user", "repository.read")
    assert explicit[1] == (owner.username, "permission", "user", "repository.write")
    assert explicit[2] == (reader.username, "permission", "user", "repository.read")
    assert explicit[3] == (group.group_name, "permission", "user_group", "repository.write")


def test_caller_permissions_are_computed_once_per_unit(uow):
    me = _user(uow)
    caller = Caller(uow.db, me)
    assert caller.perms is caller.perms
