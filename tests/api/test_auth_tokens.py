"""Authentication (REFERENCE.md 1.4 steps 10-13, 1.5): main and extra tokens, roles, expiry,
inactive users, the IP whitelist and the anonymous `default` user."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import delete, select, update

from tests.api_client import ApiClient
from tests.factories import make_user
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.auth.tokens import token_digest
from vcshub.db.models import AuthToken, User, UserIpAddress

INVALID = "Invalid API KEY"
BAD_ROLE = "API KEY has bad role for an API call"
INACTIVE = "Request from this user not allowed"


@pytest.fixture(scope="module")
def db(live_server):
    engine = create_db_engine(live_server.database_url)
    yield create_session_factory(engine)
    engine.dispose()


def new_token(live_server, username: str, role: str = "all", *extra: str) -> str:
    token = live_server.cli("token", "create", username, "--role", role, *extra).stdout.strip()
    assert len(token) == 40
    return token


def api(live_server, token: str) -> ApiClient:
    return ApiClient(live_server.api_url, token)


def call_from(live_server, token: str, ip_headers: dict, method: str = "get_user") -> dict:
    response = httpx.post(
        live_server.api_url,
        json={"id": 1, "auth_token": token, "method": method, "args": {}},
        headers=ip_headers,
        timeout=60,
    )
    assert response.status_code == 200
    return response.json()


def whitelist(db, user_id: int, *entries: str) -> None:
    with db.begin() as session:
        session.execute(delete(UserIpAddress).where(UserIpAddress.user_id == user_id))
        for entry in entries:
            session.add(UserIpAddress(user_id=user_id, ip_addr=entry))


def set_user_flag(db, user_id: int, **values) -> None:
    with db.begin() as session:
        session.execute(update(User).where(User.user_id == user_id).values(**values))


def default_user_id(db) -> int:
    with db() as session:
        return session.scalar(select(User.user_id).where(User.username == "default"))


# -- extra tokens and roles --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["all", "api"])
def test_extra_tokens_with_api_roles_work(live_server, admin_api, role):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, role)
    me = api(live_server, token).result("get_user")
    assert me["user_id"] == user.user_id
    assert token in me["api_keys"]  # listed after the main token
    assert me["api_keys"][0] == user.token


@pytest.mark.parametrize("role", ["vcs", "feed", "http"])
def test_extra_tokens_with_other_roles_are_refused(live_server, admin_api, role):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, role)
    assert api(live_server, token).error("get_user") == BAD_ROLE
    # still listed among the user's tokens
    assert token in admin_api.result("get_user", userid=user.user_id)["api_keys"]


def test_unknown_method_beats_a_bad_role(live_server, admin_api):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, "feed")
    assert api(live_server, token).error("nonexistent") == "No such method: nonexistent"


def test_bad_role_is_reported_before_missing_arguments(live_server, admin_api):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, "vcs")
    assert api(live_server, token).error("delete_user") == BAD_ROLE


def test_token_with_a_future_expiry_works(live_server, admin_api):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, "api", "--lifetime-minutes", "60")
    assert api(live_server, token).result("get_user")["user_id"] == user.user_id


def test_expired_token_is_an_invalid_token(live_server, admin_api, db):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, "all", "--lifetime-minutes", "60")
    with db.begin() as session:
        session.execute(
            update(AuthToken).where(AuthToken.token_hash == token_digest(token)).values(expires=time.time() - 5)
        )
    assert api(live_server, token).error("get_user") == INVALID
    # the user's other tokens are unaffected
    assert user.api.result("get_user")["user_id"] == user.user_id


def test_expired_token_of_a_bad_role_is_still_invalid(live_server, admin_api, db):
    user = make_user(admin_api)
    token = new_token(live_server, user.username, "feed", "--lifetime-minutes", "60")
    with db.begin() as session:
        session.execute(update(AuthToken).where(AuthToken.token_hash == token_digest(token)).values(expires=1.0))
    assert api(live_server, token).error("get_user") == INVALID


def test_tokens_are_case_sensitive(live_server, admin_api):
    user = make_user(admin_api)
    assert api(live_server, user.token.upper()).error("get_user") == INVALID


# -- inactive users -----------------------------------------------------------------------------------

def test_inactive_user_is_refused_with_every_token(live_server, admin_api):
    user = make_user(admin_api)
    extra = new_token(live_server, user.username, "api")
    admin_api.result("update_user", userid=user.user_id, active=False)
    assert user.api.error("get_user") == INACTIVE
    assert api(live_server, extra).error("get_user") == INACTIVE
    # also before the role check (step 11 before 13)
    feed = admin_api.result("get_user", userid=user.user_id)["api_keys"][1]
    assert api(live_server, feed).error("get_user") == INACTIVE
    admin_api.result("update_user", userid=user.user_id, active=True)
    assert user.api.result("get_user")["active"] is True


def test_user_created_inactive_cannot_call(admin_api):
    user = make_user(admin_api, active="false")
    assert user.api.error("get_user") == INACTIVE


# -- IP whitelist ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "entries, allowed, refused",
    [
        (["10.1.2.3"], ["10.1.2.3"], ["10.1.2.4", "127.0.0.1"]),
        (["10.0.0.0/8"], ["10.0.0.1", "10.255.255.254"], ["11.0.0.1", "192.168.0.1"]),
        (["192.168.0.0/24", "172.16.5.5"], ["192.168.0.77", "172.16.5.5"], ["192.168.1.1"]),
        (["2001:db8::/32"], ["2001:db8::1", "2001:db8:ffff::5"], ["2001:db9::1", "10.0.0.1"]),
        (["::1"], ["::1"], ["127.0.0.1", "::2"]),
        (["0.0.0.0/0"], ["8.8.8.8", "10.0.0.1"], ["2001:db8::1"]),
        (["0.0.0.0/0", "::/0"], ["8.8.8.8", "2001:db8::1"], []),
    ],
)
def test_ip_whitelist(live_server, admin_api, db, entries, allowed, refused):
    user = make_user(admin_api)
    whitelist(db, user.user_id, *entries)
    for ip in allowed:
        reply = call_from(live_server, user.token, {"X-Real-IP": ip})
        assert reply["error"] is None, (ip, reply)
    for ip in refused:
        reply = call_from(live_server, user.token, {"X-Real-IP": ip})
        assert reply == {"id": 1, "result": None, "error": f"Request from IP:{ip} not allowed"}


def test_ip_from_x_forwarded_for_and_ports(live_server, admin_api, db):
    user = make_user(admin_api)
    whitelist(db, user.user_id, "10.0.0.0/8")
    # the rightmost hop that is not a trusted proxy: a client cannot prepend his way in (14.15)
    assert call_from(live_server, user.token,
                     {"X-Forwarded-For": "192.168.0.1, 10.2.3.4"})["error"] is None
    assert call_from(live_server, user.token, {"X-Forwarded-For": "10.2.3.4, 192.168.0.1"}) == {
        "id": 1, "result": None, "error": "Request from IP:192.168.0.1 not allowed"}
    assert call_from(live_server, user.token, {"X-Real-IP": "10.9.9.9:5555"})["error"] is None
    # X-Real-IP wins over X-Forwarded-For
    reply = call_from(live_server, user.token,
                      {"X-Real-IP": "192.168.7.7", "X-Forwarded-For": "10.1.1.1"})
    assert reply["error"] == "Request from IP:192.168.7.7 not allowed"
    # without headers the socket peer (127.0.0.1) is refused
    assert user.api.error("get_user") == "Request from IP:127.0.0.1 not allowed"


def test_ip_check_comes_after_inactive_and_before_role(live_server, admin_api, db):
    user = make_user(admin_api)
    feed = user.data["api_keys"][1]
    whitelist(db, user.user_id, "10.0.0.1")
    assert call_from(live_server, feed, {"X-Real-IP": "10.0.0.2"})["error"] == (
        "Request from IP:10.0.0.2 not allowed")
    assert call_from(live_server, feed, {"X-Real-IP": "10.0.0.1"})["error"] == BAD_ROLE
    admin_api.result("update_user", userid=user.user_id, active=False)
    assert call_from(live_server, user.token, {"X-Real-IP": "10.0.0.2"})["error"] == INACTIVE


def test_removing_the_whitelist_allows_everybody(live_server, admin_api, db):
    user = make_user(admin_api)
    whitelist(db, user.user_id, "10.0.0.1")
    assert user.api.error("get_user") == "Request from IP:127.0.0.1 not allowed"
    whitelist(db, user.user_id)
    assert user.api.result("get_user")["user_id"] == user.user_id


def test_default_user_whitelist_is_inherited(live_server, admin_api, db):
    # While the default user has entries they apply to everybody who inherits, the test's
    # admin included: make every user first.
    user, other = make_user(admin_api), make_user(admin_api)
    default_id = default_user_id(db)
    whitelist(db, user.user_id, "10.0.0.1")
    whitelist(db, default_id, "10.0.0.2")
    try:
        for ip in ("10.0.0.1", "10.0.0.2"):
            assert call_from(live_server, user.token, {"X-Real-IP": ip})["error"] is None
        assert call_from(live_server, user.token, {"X-Real-IP": "10.0.0.3"})["error"] == (
            "Request from IP:10.0.0.3 not allowed")
        # a user who does not inherit default permissions has only his own entries
        set_user_flag(db, user.user_id, inherit_default_permissions=False)
        assert call_from(live_server, user.token, {"X-Real-IP": "10.0.0.1"})["error"] is None
        assert call_from(live_server, user.token, {"X-Real-IP": "10.0.0.2"})["error"] == (
            "Request from IP:10.0.0.2 not allowed")
        # a user without entries of his own inherits the default user's whitelist
        assert call_from(live_server, other.token, {"X-Real-IP": "10.0.0.2"})["error"] is None
        assert other.api.error("get_user") == "Request from IP:127.0.0.1 not allowed"
    finally:
        whitelist(db, default_id)
    assert admin_api.result("get_user")["username"] == live_server.admin_username


# -- the default user -------------------------------------------------------------------------------

def test_default_user_never_authenticates(live_server, admin_api):
    default = admin_api.result("get_user", userid="default")
    assert default["username"] == "default"
    assert len(default["api_key"]) == 40  # the real token (REFERENCE.md 3.1), which opens nothing
    for token in default["api_keys"]:
        assert api(live_server, token).error("get_user") == INVALID


def test_default_user_extra_token_is_invalid(live_server):
    token = new_token(live_server, "default", "api")
    assert api(live_server, token).error("get_user") == INVALID
