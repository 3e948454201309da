"""services.users called directly: who may create, change and delete accounts, the name and
e-mail rules, the protected ``default`` user and owners that cannot go (REFERENCE.md 2.2, 4.2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import people
from tests.factories import repos as make
from tests.factories.naming import unique
from tests.services.state import unchanged
from vcshub.auth.passwords import verify_password
from vcshub.auth.tokens import TokenRole
from vcshub.db.models import AuthToken, User, UserEmail, UserGroupMember
from vcshub.permissions.caller import CONSOLE
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import gists, user_groups, users
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    DefaultUserProtected,
    Invalid,
    NotFound,
    NotYourUser,
)


def create(uow, by=CONSOLE, **fields):
    name = fields.pop("username") if "username" in fields else unique("acct")
    fields.setdefault("email", f"{name}@example.com")
    return users.create_user(uow, by, username=name, **fields)


# -- create ---------------------------------------------------------------------------------------


def test_create_stores_the_account_with_a_main_and_a_feed_token(uow, root):
    user = create(uow, root, username=unique("Mixed"), email="  Some.One@Example.COM ",
                  password="s3cret", firstname="Some", lastname="One")
    assert user.email == "some.one@example.com"
    assert (user.firstname, user.lastname, user.active, user.admin) == ("Some", "One", True, False)
    assert (user.extern_name, user.extern_type, user.force_password_change) == (
        "rhodecode", "rhodecode", False)
    assert verify_password(user.password_hash, "s3cret")
    assert user.api_key_hash
    [feed] = user.tokens
    assert (feed.role, feed.description) == (TokenRole.FEED, "Generated feed token")


def test_without_a_password_nobody_logs_in_with_one(uow):
    user = create(uow, password="")
    assert user.password_hash is None and not verify_password(user.password_hash, "")


def test_an_external_account_gets_a_random_password(uow):
    user = create(uow, password="given", extern_name="ldap", extern_type="ldap")
    assert user.password_hash is not None and not verify_password(user.password_hash, "given")
    assert (user.extern_name, user.extern_type) == ("ldap", "ldap")


def test_usernames_are_unique_whatever_their_case(uow):
    taken = create(uow, username=unique("Case"))
    with unchanged(uow), pytest.raises(AlreadyExists) as refused:
        create(uow, username=taken.username.upper())
    assert (refused.value.kind, refused.value.name) == ("user", taken.username.upper())


def test_emails_are_unique_whatever_their_case_additional_ones_included(uow):
    first = create(uow)
    uow.db.add(UserEmail(user_id=first.user_id, email="extra@example.com"))
    uow.db.flush()
    for email in (first.email.upper(), "EXTRA@example.com"):
        with unchanged(uow), pytest.raises(AlreadyExists) as refused:
            create(uow, email=email)
        assert (refused.value.kind, refused.value.name) == ("email", email)


@pytest.mark.parametrize("username, reason", [
    ("", "Required"),
    ("-dash", "may only contain"),
    ("sp ace", "may only contain"),
    ("ünï", "may only contain"),
    ("NEW_USER", "reserved"),
    ("Anonymous", "reserved"),
    ("new_user", "reserved"),
    ("x" * 256, "may only contain"),
])
def test_username_rules(uow, username, reason):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        create(uow, username=username, email=f"{unique('e')}@example.com")
    assert refused.value.field == "username" and reason in refused.value.reason


@pytest.mark.parametrize("email", ["no-at-sign", "two words@example.com", 5, "x" * 250 + "@e.com"])
def test_email_rules(uow, email):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        create(uow, email=email)
    assert refused.value.field == "email"


@pytest.mark.parametrize("field, value", [
    ("firstname", 5), ("lastname", "x" * 256), ("extern_type", ["ldap"]), ("password", 1234),
])
def test_text_fields_are_text_that_fits(uow, field, value):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        create(uow, **{field: value})
    assert refused.value.field == field


def test_only_a_super_admin_creates_accounts(uow):
    alice = people.caller(uow, create(uow))
    with unchanged(uow), pytest.raises(AccessDenied):
        create(uow, alice)


# -- update ---------------------------------------------------------------------------------------


def test_only_supplied_fields_change(uow, root):
    user = create(uow, password="pw", firstname="First")
    hash_before = user.password_hash
    users.update_user(uow, root, user.user_id, {"lastname": "Last", "password": "pw"})
    assert (user.firstname, user.lastname, user.password_hash) == ("First", "Last", hash_before)
    new_name = unique("renamed")
    users.update_user(uow, root, user.username, {"username": new_name, "email": "NEW@Example.com"})
    assert (user.username, user.email) == (new_name, "new@example.com")
    assert users.update_user(uow, root, user.user_id, {}) is user


def test_a_new_password_is_hashed_and_an_empty_one_removes_it(uow, root):
    user = create(uow, password="old")
    users.update_user(uow, root, user.user_id, {"password": "new"})
    assert verify_password(user.password_hash, "new") and not verify_password(user.password_hash, "old")
    users.update_user(uow, root, user.user_id, {"password": ""})
    assert user.password_hash is None


def test_deactivating_ends_the_sessions_and_reactivating_does_not_revive_them(uow, root):
    user = create(uow)
    key = user.session_key
    users.update_user(uow, root, user.user_id, {"active": False})
    assert user.active is False and user.session_key != key
    ended = user.session_key
    users.update_user(uow, root, user.user_id, {"active": True})
    assert user.active is True and user.session_key == ended


def test_an_empty_extern_value_resets_to_internal(uow, root):
    user = create(uow, extern_name="ldap", extern_type="ldap")
    users.update_user(uow, root, user.user_id, {"extern_name": None, "extern_type": ""})
    assert (user.extern_name, user.extern_type) == ("rhodecode", "rhodecode")


@pytest.mark.parametrize("change, field", [
    ({"username": "TAKEN"}, "username"),
    ({"email": "TAKEN"}, "email"),
    ({"username": "bad name"}, "username"),
    ({"api_key": "x"}, "api_key"),
    ({"inherit_default_permissions": False}, "inherit_default_permissions"),
])
def test_update_refusals_change_nothing(uow, root, change, field):
    other, user = create(uow), create(uow)
    key, value = next(iter(change.items()))
    if value == "TAKEN":
        change = {key: getattr(other, key).upper()}
    with unchanged(uow), pytest.raises(Invalid) as refused:
        users.update_user(uow, root, user.user_id, change)
    assert refused.value.field == field


def test_the_default_user_cannot_be_edited(uow, root):
    with unchanged(uow), pytest.raises(DefaultUserProtected):
        users.update_user(uow, root, DEFAULT_USERNAME, {"active": False})


def test_updating_a_missing_user(uow, root):
    with pytest.raises(NotFound) as refused:
        users.update_user(uow, root, "nobody-at-all", {"active": False})
    assert (refused.value.kind, refused.value.ident) == ("user", "nobody-at-all")


# -- delete ---------------------------------------------------------------------------------------


def test_delete_takes_tokens_emails_and_memberships_along(uow, root):
    user = create(uow)
    uow.db.add(UserEmail(user_id=user.user_id, email=f"{unique('x')}@example.com"))
    group = people.user_group(uow, root, user)
    user_id = user.user_id
    assert users.delete_user(uow, root, user.username) is user
    uow.db.expire_all()
    assert uow.db.get(User, user_id) is None
    for model in (AuthToken, UserEmail, UserGroupMember):
        assert uow.db.scalars(select(model).where(model.user_id == user_id)).all() == []
    assert user_groups.get_user_group(uow, root, group.users_group_id).members == []


@pytest.mark.parametrize("owned, table", [
    ("repository", "repositories"), ("repository group", "repo_groups"),
    ("user group", "user_groups"),
])
def test_an_owner_cannot_be_deleted(uow, root, owned, table):
    owner = create(uow)
    if owned == "repository":
        make.repo(uow, root, owner=owner)
    elif owned == "repository group":
        make.repo_group(uow, root, owner=owner)
    else:
        people.user_group(uow, root, owner=owner)
    with unchanged(uow), pytest.raises(Conflict) as refused:
        users.delete_user(uow, root, owner.user_id)
    assert str(refused.value) == f"user `{owner.username}` still owns {table}"


def test_the_default_user_cannot_be_deleted(uow, root):
    with unchanged(uow), pytest.raises(Conflict) as refused:
        users.delete_user(uow, root, DEFAULT_USERNAME)
    assert str(refused.value) == "the default user cannot be deleted"


def test_only_a_super_admin_deletes_accounts(uow):
    alice, bob = people.caller(uow, create(uow)), create(uow)
    with unchanged(uow), pytest.raises(AccessDenied):
        users.delete_user(uow, alice, bob.user_id)


def test_deleting_a_user_removes_his_gists_from_disk(committing_uow):
    uow = committing_uow
    root = people.caller(uow, people.admin(uow))
    bob = create(uow)
    gist = gists.create_gist(uow, people.caller(uow, bob), {"a.txt": {"content": "x"}})
    path = gists.gist_path(uow, gist)
    users.delete_user(uow, root, bob.user_id)
    uow.commit()
    assert not path.exists()


# -- whom a self-or-admin method acts on ----------------------------------------------------------


def test_an_ordinary_user_names_only_himself_by_his_number(uow, root):
    alice, bob = create(uow), create(uow)
    as_alice = people.caller(uow, alice)
    assert users.target_user(uow, as_alice) is alice
    assert users.target_user(uow, as_alice, alice.user_id) is alice
    for other in (alice.username, str(alice.user_id), bob.user_id, True):
        with pytest.raises(NotYourUser):
            users.target_user(uow, as_alice, other)
    assert users.target_user(uow, root, bob.username) is bob


def test_listing_leaves_out_default_and_sorts_by_code_point(uow, root):
    prefix = unique("L")
    made = [create(uow, username=f"{prefix}{s}") for s in ("b", "C", "a")]
    listed = [u.username for u in users.list_users(uow, root)]
    assert DEFAULT_USERNAME not in listed
    assert [n for n in listed if n.startswith(prefix)] == [f"{prefix}C", f"{prefix}a", f"{prefix}b"]
    assert len(made) == 3
    with pytest.raises(AccessDenied):
        users.list_users(uow, people.caller(uow, made[0]))
