"""Reading users (REFERENCE.md 4.2): get_user, get_users, the user object and user identifiers."""

from __future__ import annotations

import pytest

from tests.api.user_objects import DENIED, USER_KEYS
from tests.factories import make_user, unique

NOT_SAME = "userid is not the same as your user"
MASK = "*" * 40


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
     ("a\x00b", "a\x00b"), (10**20, str(10**20))],
)
def test_get_unknown_user(admin_api, ident, shown):
    assert admin_api.error("get_user", userid=ident) == f"user `{shown}` does not exist"


@pytest.mark.parametrize("ident", [2**40, 10**20, "a\x00b", "x/\x00"])
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
