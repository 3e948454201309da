"""services/user_accounts.py and user_global_permissions.py: their readers refuse anyone but a
super-admin too (the writers are in test_writers_refuse.py), the user list's filter takes its
text literally, and global permissions reach the effective set."""

from __future__ import annotations

import pytest

from tests.factories import people, unique
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services import user_accounts, user_global_permissions
from vcshub.services.errors import AccessDenied, Invalid, NotFound


def test_readers_refuse_a_non_admin(uow):
    plain = people.caller(uow, people.user(uow))
    target = people.user(uow)
    for read in (
        lambda: user_accounts.find_users(uow, plain),
        lambda: user_accounts.managed_user(uow, plain, target.user_id),
        lambda: user_accounts.owned_objects(uow, plain, target.user_id),
        lambda: user_accounts.user_tokens(uow, plain, target.user_id),
        lambda: user_global_permissions.global_choices(uow, plain, target.user_id),
    ):
        with pytest.raises(AccessDenied):
            read()


def test_the_filter_is_literal_and_pages_are_counted(uow):
    root = people.caller(uow, people.admin(uow))
    stem = unique("lit").replace("-", "")
    for name in (f"{stem}_a", f"{stem}xa", f"{stem}_b"):
        people.user(uow, username=name)
    underscored = user_accounts.find_users(uow, root, f"{stem}_")
    assert sorted(u.username for u in underscored.users) == [f"{stem}_a", f"{stem}_b"]
    second = user_accounts.find_users(uow, root, stem.upper(), page=2, page_size=2)
    assert (second.total, second.pages, len(second.users)) == (3, 2, 1)
    assert user_accounts.find_users(uow, root, stem + "%").total == 0
    with pytest.raises(NotFound):  # the anonymous user has no admin page
        user_accounts.managed_user(uow, root, people.default_user(uow).user_id)


def test_ip_entries_are_checked(uow):
    root = people.caller(uow, people.admin(uow))
    user = people.user(uow)
    user_accounts.add_user_ip(uow, root, user.user_id, "2001:db8::/32", "lab")
    for bad in ("", "300.1.1.1", "2001:db8::/32"):
        with pytest.raises(Invalid):
            user_accounts.add_user_ip(uow, root, user.user_id, bad)
    assert [e.ip_addr for e in user.ip_addresses] == ["2001:db8::/32"]


def test_own_global_permissions_replace_the_defaults_and_back(uow):
    root = people.caller(uow, people.admin(uow))
    user = people.user(uow)
    chosen = dict(user_global_permissions.global_choices(uow, root, user.user_id).chosen)
    assert chosen["create"] == "hg.create.repository"  # the site default
    chosen["create"] = "hg.create.none"
    with pytest.raises(Invalid):
        user_global_permissions.set_global_permissions(
            uow, root, user.user_id, False, {**chosen, "fork": "hg.admin"})
    assert user.inherit_default_permissions
    user_global_permissions.set_global_permissions(uow, root, user.user_id, False, chosen)
    assert "hg.create.none" in EffectivePermissions(uow.db, user).global_perms
    user_global_permissions.set_global_permissions(uow, root, user.user_id, True, {})
    assert "hg.create.repository" in EffectivePermissions(uow.db, user).global_perms
