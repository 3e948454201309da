"""Creating users (REFERENCE.md 4.2): defaults, optional vs null, str2bool, duplicates, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.user_objects import DENIED, USER_KEYS, stored
from tests.api_client import ApiClient
from tests.factories import make_user, unique
from vcshub.auth.passwords import verify_password
from vcshub.auth.tokens import token_digest
from vcshub.db.models import AuthToken, User, UserEmail

# -- create_user -----------------------------------------------------------------------------------

def test_create_user_defaults(admin_api, db):
    name = unique("fresh")
    result = admin_api.result("create_user", username=name, email=f"{name}@Example.COM",
                              password="s3cret-pw")
    assert result["msg"] == f"created new user `{name}`"
    user = result["user"]
    assert set(user) == USER_KEYS
    assert user["username"] == name
    assert user["email"] == f"{name}@example.com"  # stored lower-cased
    assert user["emails"] == [f"{name}@example.com"]
    assert user["firstname"] == "" and user["lastname"] == ""
    assert user["active"] is True and user["admin"] is False
    assert user["extern_type"] == "rhodecode" and user["extern_name"] == "rhodecode"
    assert user["language"] is None and user["last_login"] is None
    assert user["ip_addresses"] == []
    # main token and one feed token
    assert len(user["api_keys"]) == 2 and user["api_keys"][0] == user["api_key"]
    with db() as session:
        row = session.get(User, user["user_id"])
        assert verify_password(row.password_hash, "s3cret-pw")
        assert not row.force_password_change
        tokens = session.scalars(select(AuthToken).where(AuthToken.user_id == row.user_id)).all()
        # stored as digests (issue 14): the answer to create_user is the one place they show
        assert row.api_key_hash == token_digest(user["api_key"])
        assert [(t.token_hash, t.role, t.description, t.expires) for t in tokens] == [
            (token_digest(user["api_keys"][1]), "token_role_feed", "Generated feed token", -1)
        ]
    # the main token works for the API, the feed token does not
    assert ApiClient(admin_api.api_url, user["api_key"]).result("get_user")["username"] == name
    feed = ApiClient(admin_api.api_url, user["api_keys"][1])
    assert feed.error("get_user") == "API KEY has bad role for an API call"


def test_create_user_with_every_field(admin_api, db):
    name = unique("full")
    user = admin_api.result(
        "create_user", username=name, email=f"{name}@example.com", password="pw-1",
        firstname="First", lastname="Last", active=False, admin=True,
        force_password_change=True,
    )["user"]
    assert (user["firstname"], user["lastname"], user["active"], user["admin"]) == (
        "First", "Last", False, True)
    assert stored(db, user["user_id"]).force_password_change is True


def test_create_user_without_password(admin_api, db):
    user = make_user(admin_api, password="")
    assert stored(db, user.user_id).password_hash is None


def test_create_user_explicit_null_names(admin_api):
    name = unique("nulls")
    user = admin_api.result("create_user", username=name, email=f"{name}@example.com",
                            firstname=None, lastname=None)["user"]
    assert user["firstname"] is None and user["lastname"] is None


@pytest.mark.parametrize(
    "sent, expected",
    [("false", False), ("0", False), ("no", False), ("", False), ("foo", False), (None, False),
     (0, False), ("true", True), ("1", True), ("yes", True), (" Y ", True), ("on", True),
     ("T", True), (1, True)],
)
def test_bool_arguments_sent_as_strings(admin_api, db, sent, expected):
    name = unique("bool")
    user = admin_api.result(
        "create_user", username=name, email=f"{name}@example.com",
        active=sent, admin=sent, force_password_change=sent,
    )["user"]
    assert user["active"] is expected and user["admin"] is expected
    assert stored(db, user["user_id"]).force_password_change is expected


def test_external_account_ignores_the_password(admin_api, db):
    name = unique("ext")
    user = admin_api.result(
        "create_user", username=name, email=f"{name}@example.com", password="given-pw",
        extern_name=f"uid={name},dc=example", extern_type="ldap",
    )["user"]
    assert user["extern_name"] == f"uid={name},dc=example" and user["extern_type"] == "ldap"
    row = stored(db, user["user_id"])
    assert row.password_hash  # a random password, not none
    assert not verify_password(row.password_hash, "given-pw")


def test_extern_name_rhodecode_keeps_the_password(admin_api, db):
    name = unique("int")
    user = admin_api.result("create_user", username=name, email=f"{name}@example.com",
                            password="kept-pw", extern_name="rhodecode")["user"]
    assert verify_password(stored(db, user["user_id"]).password_hash, "kept-pw")


def test_legacy_ldap_dn(admin_api, db):
    name = unique("ldap")
    dn = f"cn={name},ou=people"
    user = admin_api.result("create_user", username=name, email=f"{name}@example.com",
                            password="ignored", ldap_dn=dn)["user"]
    assert user["extern_name"] == dn and user["extern_type"] == "ldap"
    assert not verify_password(stored(db, user["user_id"]).password_hash, "ignored")
    # the current name wins over the legacy one
    other = unique("ldap")
    user = admin_api.result("create_user", username=other, email=f"{other}@example.com",
                            ldap_dn="cn=legacy", extern_name="current",
                            extern_type="crowd")["user"]
    assert (user["extern_name"], user["extern_type"]) == ("current", "crowd")


def test_duplicate_username_any_case(admin_api, plain):
    for name in (plain.username, plain.username.upper()):
        error = admin_api.error("create_user", username=name, email=f"{unique('x')}@example.com")
        assert error == f"user `{name}` already exist"


def test_duplicate_email_any_case(admin_api, plain):
    email = plain.data["email"].upper()
    error = admin_api.error("create_user", username=unique("dup"), email=email)
    assert error == f"email `{email}` already exist"


def test_duplicate_username_is_reported_before_email(admin_api, plain):
    error = admin_api.error("create_user", username=plain.username, email=plain.data["email"])
    assert error == f"user `{plain.username}` already exist"


def test_duplicate_of_an_additional_email(admin_api, db, plain):
    extra = f"{unique('extra')}@example.com"
    with db.begin() as session:
        session.add(UserEmail(user_id=plain.user_id, email=extra))
    error = admin_api.error("create_user", username=unique("dup"), email=extra.upper())
    assert error == f"email `{extra.upper()}` already exist"
    assert admin_api.result("get_user", userid=plain.user_id)["emails"] == [
        plain.data["email"], extra]


def test_default_user_name_is_taken(admin_api):
    error = admin_api.error("create_user", username="default", email="d@example.com")
    assert error == "user `default` already exist"


@pytest.mark.parametrize(
    "username",
    ["", "has space", "-dash-first", ".dot-first", "a/b", "new_user", "anonymous", "ünï",
     "x" * 300, None, 5],
)
def test_invalid_usernames(admin_api, username):
    error = admin_api.error("create_user", username=username, email=f"{unique('e')}@example.com")
    assert error == f"failed to create user `{username}`"


@pytest.mark.parametrize("email", ["not-an-email", "", None, "a b@example.com"])
def test_invalid_emails(admin_api, email):
    name = unique("mail")
    assert admin_api.error("create_user", username=name, email=email) == (
        f"failed to create user `{name}`"
    )


@pytest.mark.parametrize("field", ["firstname", "lastname", "password", "extern_type"])
def test_non_text_fields_fail_alike_on_every_backend(admin_api, field):
    name = unique("typed")
    error = admin_api.error("create_user", username=name, email=f"{name}@example.com",
                            **{field: 12345})
    assert error == f"failed to create user `{name}`"
    if field != "password":  # a password is hashed, its length is free
        error = admin_api.error("create_user", username=name, email=f"{name}@example.com",
                                **{field: "y" * 256})
        assert error == f"failed to create user `{name}`"


def test_create_user_needs_super_admin(plain):
    # global permission refused before anything else, even a duplicate name
    assert plain.api.error("create_user", username=plain.username, email="x@example.com") == DENIED
