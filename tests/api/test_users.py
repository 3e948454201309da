"""User methods (REFERENCE.md 4.2), the user object (3.1), `permissions` (2.8) and the
argument rules they exercise most: optional vs null (1.6), str2bool and user identifiers (1.7)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api_client import ApiClient
from tests.factories import make_user, unique
from vcshub.auth.passwords import verify_password
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import AuthToken, RepoGroup, User, UserEmail, UserIpAddress

USER_KEYS = {
    "user_id", "username", "firstname", "lastname", "email", "emails", "api_key", "api_keys",
    "active", "admin", "extern_type", "extern_name", "last_login", "ip_addresses", "language",
}
DENIED = "Access was denied to this resource."
NOT_SAME = "userid is not the same as your user"
MASK = "*" * 40


@pytest.fixture(scope="module")
def db(live_server):
    engine = create_db_engine(live_server.database_url)
    yield create_session_factory(engine)
    engine.dispose()


def stored(db, user_id: int) -> User | None:
    with db() as session:
        return session.get(User, user_id)


def token_count(db, user_id: int) -> int:
    with db() as session:
        return session.scalar(select(func.count()).where(AuthToken.user_id == user_id))


@pytest.fixture(scope="module")
def plain(admin_api):
    return make_user(admin_api, firstname="Plain", lastname="User")


# -- get_user ------------------------------------------------------------------------------------

def test_get_user_self_as_admin(admin_api, live_server):
    me = admin_api.result("get_user")
    assert set(me) == USER_KEYS | {"permissions"}
    assert me["username"] == live_server.admin_username
    assert me["admin"] is True and me["active"] is True
    # secrets: the real main token first, then every extra token (the test token among them)
    assert me["api_key"] != MASK and len(me["api_key"]) == 40
    assert me["api_keys"][0] == me["api_key"]
    assert live_server.admin_token in me["api_keys"]
    assert me["extern_type"] == "rhodecode" and me["extern_name"] == "rhodecode"
    assert set(me["permissions"]) == {"global", "repositories", "repositories_groups",
                                      "user_groups"}
    assert "hg.admin" in me["permissions"]["global"]


def test_get_user_self_as_plain_user(plain):
    me = plain.api.result("get_user")
    assert set(me) == USER_KEYS | {"permissions"}
    assert me["user_id"] == plain.user_id
    assert me["firstname"] == "Plain" and me["lastname"] == "User"
    # a plain user reading himself gets his secrets too
    assert me["api_key"] == plain.token
    assert me["api_keys"][0] == plain.token and len(me["api_keys"]) == 2  # main + feed token
    assert me["emails"] == [me["email"]]
    assert me["ip_addresses"] == [] and me["last_login"] is None
    perms = me["permissions"]
    assert "hg.admin" not in perms["global"]
    assert {"repository.read", "group.read", "usergroup.read", "hg.create.repository",
            "hg.fork.repository"} <= set(perms["global"])


def test_plain_user_may_name_himself_only_by_numeric_id(plain):
    assert plain.api.result("get_user", userid=plain.user_id)["user_id"] == plain.user_id
    # RC4 compares the raw argument with the caller's numeric id (1.8)
    assert plain.api.error("get_user", userid=str(plain.user_id)) == NOT_SAME
    assert plain.api.error("get_user", userid=plain.username) == NOT_SAME


def test_plain_user_may_not_read_others(plain, admin_api):
    admin_id = admin_api.result("get_user")["user_id"]
    assert plain.api.error("get_user", userid=admin_id) == NOT_SAME
    # checked before existence
    assert plain.api.error("get_user", userid="no-such-user") == NOT_SAME
    assert plain.api.error("get_user", userid=999999) == NOT_SAME


def test_explicit_null_userid_means_the_caller(plain):
    assert plain.api.result("get_user", userid=None)["user_id"] == plain.user_id


def test_admin_reads_anybody_by_id_name_or_digit_string(admin_api, plain):
    for ident in (plain.user_id, plain.username, str(plain.user_id)):
        user = admin_api.result("get_user", userid=ident)
        assert user["user_id"] == plain.user_id
        assert user["api_key"] == plain.token  # with secrets
        assert "permissions" in user


def test_digit_string_falls_back_to_the_username(admin_api):
    name = str(900_000_000 + int(unique("")))
    made = make_user(admin_api, username=name)
    assert admin_api.result("get_user", userid=name)["user_id"] == made.user_id


def test_usernames_are_matched_exactly(admin_api, plain):
    assert admin_api.error("get_user", userid=plain.username.upper()) == (
        f"user `{plain.username.upper()}` does not exist"
    )


@pytest.mark.parametrize(
    "ident, shown",
    [("nobody-here", "nobody-here"), (987654, "987654"), ("987654", "987654"), (-1, "-1"),
     (2**40, str(2**40)), (1.5, "1.5"), (True, "True"), ([1], "[1]"), ({"a": 1}, "{'a': 1}"),
     ("a\x00b", "a\x00b")],
)
def test_get_unknown_user(admin_api, ident, shown):
    assert admin_api.error("get_user", userid=ident) == f"user `{shown}` does not exist"


@pytest.mark.parametrize("ident", [2**40, "a\x00b", "x/\x00"])
@pytest.mark.parametrize(
    "method, arg, kind",
    [("get_repo", "repoid", "repository"), ("get_repo_group", "repogroupid", "repository group"),
     ("get_user_group", "usergroupid", "user group")],
)
def test_impossible_identifiers_are_not_found(admin_api, method, arg, kind, ident):
    """Ids beyond 32 bits and text with NUL name nothing, on PostgreSQL as on SQLite."""
    assert admin_api.error(method, **{arg: ident}) == f"{kind} `{ident}` does not exist"


# -- get_users -----------------------------------------------------------------------------------

def test_get_users(admin_api, plain):
    listed = admin_api.result("get_users")
    names = [u["username"] for u in listed]
    assert "default" not in names
    assert plain.username in names
    assert names == sorted(names)
    for user in listed:
        assert set(user) == USER_KEYS
        assert user["api_key"] != MASK
    mine = next(u for u in listed if u["username"] == plain.username)
    assert mine["api_key"] == plain.token


def test_get_users_order_is_by_username(admin_api):
    made = [make_user(admin_api, username=unique(prefix)).username
            for prefix in ("Zed", "alpha", "Beta", "beta_")]
    names = [u["username"] for u in admin_api.result("get_users")]
    positions = [names.index(n) for n in sorted(made)]
    assert positions == sorted(positions)


def test_get_users_needs_super_admin(plain):
    assert plain.api.error("get_users") == DENIED


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
        assert [(t.token, t.role, t.description, t.expires) for t in tokens] == [
            (user["api_keys"][1], "token_role_feed", "Generated feed token", -1)
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


# -- update_user -----------------------------------------------------------------------------------

def test_update_with_only_userid_changes_nothing(admin_api):
    user = make_user(admin_api, firstname="F", lastname="L")
    result = admin_api.result("update_user", userid=user.user_id)
    assert result["msg"] == f"updated user ID:{user.user_id} {user.username}"
    assert result["user"] == user.data


def test_update_changes_only_supplied_fields(admin_api):
    user = make_user(admin_api, firstname="F", lastname="L")
    updated = admin_api.result("update_user", userid=user.username, lastname="New")["user"]
    assert updated == {**user.data, "lastname": "New"}


def test_update_firstname_null(admin_api):
    user = make_user(admin_api, firstname="F", lastname="L")
    updated = admin_api.result("update_user", userid=user.user_id, firstname=None)["user"]
    assert updated["firstname"] is None and updated["lastname"] == "L"
    assert admin_api.result("get_user", userid=user.user_id)["firstname"] is None


def test_update_bools_from_strings(admin_api):
    user = make_user(admin_api)
    updated = admin_api.result("update_user", userid=user.user_id, active="false",
                               admin="yes")["user"]
    assert updated["active"] is False and updated["admin"] is True
    updated = admin_api.result("update_user", userid=user.user_id, active="1", admin="0")["user"]
    assert updated["active"] is True and updated["admin"] is False


def test_update_admin_flag_grants_super_admin(admin_api):
    user = make_user(admin_api)
    assert user.api.error("get_users") == DENIED
    admin_api.result("update_user", userid=user.user_id, admin=True)
    assert user.api.result("get_users")


def test_rename(admin_api):
    user = make_user(admin_api)
    new_name = unique("renamed")
    result = admin_api.result("update_user", userid=user.user_id, username=new_name)
    assert result["msg"] == f"updated user ID:{user.user_id} {new_name}"
    assert result["user"]["username"] == new_name
    assert admin_api.result("get_user", userid=new_name)["user_id"] == user.user_id
    assert admin_api.error("get_user", userid=user.username) == (
        f"user `{user.username}` does not exist")
    assert user.api.result("get_user")["username"] == new_name  # tokens still work


def test_rename_changing_only_case(admin_api):
    user = make_user(admin_api, username=unique("casey"))
    result = admin_api.result("update_user", userid=user.user_id, username=user.username.upper())
    assert result["user"]["username"] == user.username.upper()


@pytest.mark.parametrize("ident_kind", ["id", "name"])
def test_rename_to_a_taken_name_fails(admin_api, plain, ident_kind):
    user = make_user(admin_api)
    ident = user.user_id if ident_kind == "id" else user.username
    error = admin_api.error("update_user", userid=ident, username=plain.username.upper())
    assert error == f"failed to update user `{ident}`"
    assert admin_api.result("get_user", userid=user.user_id)["username"] == user.username


def test_email_change(admin_api):
    user = make_user(admin_api)
    new_email = f"{unique('moved')}@Example.com"
    updated = admin_api.result("update_user", userid=user.user_id, email=new_email)["user"]
    assert updated["email"] == new_email.lower()
    assert updated["emails"] == [new_email.lower()]
    # the user's own address, in another case, is not a clash
    again = admin_api.result("update_user", userid=user.user_id, email=new_email.upper())
    assert again["user"]["email"] == new_email.lower()


def test_email_taken_fails(admin_api, db, plain):
    user = make_user(admin_api)
    error = admin_api.error("update_user", userid=user.user_id, email=plain.data["email"].upper())
    assert error == f"failed to update user `{user.user_id}`"
    extra = f"{unique('extra')}@example.com"
    with db.begin() as session:
        session.add(UserEmail(user_id=plain.user_id, email=extra))
    error = admin_api.error("update_user", userid=str(user.user_id), email=extra)
    assert error == f"failed to update user `{user.user_id}`"


@pytest.mark.parametrize("username", ["", "bad name", "new_user", None])
def test_rename_to_an_invalid_name_fails(admin_api, username):
    user = make_user(admin_api)
    error = admin_api.error("update_user", userid=user.username, username=username)
    assert error == f"failed to update user `{user.username}`"


def test_password_is_rehashed_only_when_it_changes(admin_api, db):
    user = make_user(admin_api, password="first-pw")
    before = stored(db, user.user_id).password_hash
    admin_api.result("update_user", userid=user.user_id, password="first-pw")
    assert stored(db, user.user_id).password_hash == before
    admin_api.result("update_user", userid=user.user_id, password="second-pw")
    after = stored(db, user.user_id).password_hash
    assert after != before
    assert verify_password(after, "second-pw") and not verify_password(after, "first-pw")


def test_extern_fields_reset_to_internal(admin_api):
    user = make_user(admin_api)
    updated = admin_api.result("update_user", userid=user.user_id, extern_type="ldap",
                               extern_name="uid=x")["user"]
    assert (updated["extern_type"], updated["extern_name"]) == ("ldap", "uid=x")
    updated = admin_api.result("update_user", userid=user.user_id, extern_type=None,
                               extern_name="")["user"]
    assert (updated["extern_type"], updated["extern_name"]) == ("rhodecode", "rhodecode")


def test_update_legacy_ldap_dn(admin_api):
    user = make_user(admin_api)
    updated = admin_api.result("update_user", userid=user.user_id, ldap_dn="cn=x")["user"]
    assert (updated["extern_type"], updated["extern_name"]) == ("ldap", "cn=x")


def test_update_default_user_is_forbidden(admin_api):
    assert admin_api.error("update_user", userid="default", firstname="x") == (
        "editing default user is forbidden")


def test_update_unknown_user(admin_api):
    assert admin_api.error("update_user", userid="ghost", firstname="x") == (
        "user `ghost` does not exist")


def test_update_user_needs_super_admin(plain):
    assert plain.api.error("update_user", userid=plain.user_id, firstname="x") == DENIED
    assert plain.api.error("update_user", userid="ghost") == DENIED


# -- delete_user -----------------------------------------------------------------------------------

def test_delete_user(admin_api, live_server, db):
    user = make_user(admin_api)
    extra_token = live_server.cli("token", "create", user.username, "--role", "api").stdout.strip()
    with db.begin() as session:
        session.add(UserEmail(user_id=user.user_id, email=f"{unique('gone')}@example.com"))
        session.add(UserIpAddress(user_id=user.user_id, ip_addr="127.0.0.1"))
    assert ApiClient(admin_api.api_url, extra_token).result("get_user")["user_id"] == user.user_id
    result = admin_api.result("delete_user", userid=user.username)
    assert result == {"msg": f"deleted user ID:{user.user_id} {user.username}", "user": None}
    assert admin_api.error("get_user", userid=user.user_id) == (
        f"user `{user.user_id}` does not exist")
    # his tokens, emails and whitelist went with him
    assert user.api.error("get_user") == "Invalid API KEY"
    assert ApiClient(admin_api.api_url, extra_token).error("get_user") == "Invalid API KEY"
    assert token_count(db, user.user_id) == 0
    with db() as session:
        assert session.scalar(select(func.count()).where(UserEmail.user_id == user.user_id)) == 0
        assert session.scalar(
            select(func.count()).where(UserIpAddress.user_id == user.user_id)) == 0


def test_delete_user_by_digit_string(admin_api):
    user = make_user(admin_api)
    result = admin_api.result("delete_user", userid=str(user.user_id))
    assert result["msg"] == f"deleted user ID:{user.user_id} {user.username}"


def test_deleted_name_can_be_reused(admin_api):
    user = make_user(admin_api)
    admin_api.result("delete_user", userid=user.user_id)
    again = make_user(admin_api, username=user.username, email=user.data["email"])
    assert again.token != user.token
    assert user.api.error("get_user") == "Invalid API KEY"


def test_delete_default_user_is_refused(admin_api):
    default = admin_api.result("get_user", userid="default")
    assert admin_api.error("delete_user", userid="default") == (
        f"failed to delete user ID:{default['user_id']} default")


def test_delete_owner_of_a_repo_group_is_refused(admin_api, db):
    user = make_user(admin_api)
    with db.begin() as session:
        group = RepoGroup(group_name=unique("owned-group"), owner_id=user.user_id)
        session.add(group)
    try:
        error = admin_api.error("delete_user", userid=user.user_id)
        assert error == f"failed to delete user ID:{user.user_id} {user.username}"
        assert user.api.result("get_user")["user_id"] == user.user_id  # still there, token works
    finally:
        with db.begin() as session:
            session.delete(session.get(RepoGroup, group.group_id))
    admin_api.result("delete_user", userid=user.user_id)


def test_delete_unknown_user(admin_api):
    assert admin_api.error("delete_user", userid="ghost") == "user `ghost` does not exist"
    assert admin_api.error("delete_user", userid=424242) == "user `424242` does not exist"


def test_delete_user_needs_super_admin(plain, admin_api):
    victim = make_user(admin_api)
    assert plain.api.error("delete_user", userid=victim.user_id) == DENIED
    assert plain.api.error("delete_user", userid="ghost") == DENIED


def test_delete_owner_of_a_user_group_or_a_repository_is_refused(admin_api):
    user = make_user(admin_api)
    refused = f"failed to delete user ID:{user.user_id} {user.username}"
    group = unique("owned-ug")
    admin_api.result("create_user_group", group_name=group, owner=user.user_id)
    assert admin_api.error("delete_user", userid=user.user_id) == refused
    admin_api.result("delete_user_group", usergroupid=group)
    repo = unique("owned-repo")
    admin_api.result("create_repo", repo_name=repo, repo_type="git", owner=user.username)
    assert admin_api.error("delete_user", userid=user.username) == refused
    admin_api.result("delete_repo", repoid=repo)
    assert admin_api.result("delete_user", userid=user.user_id)["user"] is None


def test_delete_user_removes_memberships_and_permission_rows(admin_api):
    user = make_user(admin_api)
    group = unique("members-ug")
    admin_api.result("create_user_group", group_name=group)
    admin_api.result("add_user_to_user_group", usergroupid=group, userid=user.user_id)
    admin_api.result("grant_user_permission_to_user_group", usergroupid=group,
                     userid=user.user_id, perm="usergroup.write")
    admin_api.result("delete_user", userid=user.user_id)
    described = admin_api.result("get_user_group", usergroupid=group)
    assert user.username not in [u["username"] for u in described["users"]]
    assert user.username not in [m["name"] for m in described["members"]]
    admin_api.result("delete_user_group", usergroupid=group)
