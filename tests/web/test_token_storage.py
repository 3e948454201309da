"""Tokens are stored as SHA-256 digests plus sealed copies (issue 14): a copy of the database
holds no working token, yet every token still opens the API, HTTP Basic and ``?auth_token=``
views, and "with secrets" answers show the real tokens (REFERENCE.md 3.1)."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.api_client import ApiClient
from tests.factories import unique
from tests.transport.clients import database
from tests.web.conftest import make_repo, new_token, reader


def stored(live_server, sql: str, **params) -> list[str]:
    with Session(database(live_server)) as db:
        return list(db.scalars(text(sql), params))


def test_database_holds_digests_and_the_tokens_still_work(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    extra = new_token(live_server, user.username, "all")
    feed = user.data["api_keys"][1]

    (main_stored,) = stored(live_server, "SELECT api_key FROM users WHERE user_id = :id", id=user.user_id)
    extras_stored = stored(live_server, "SELECT token FROM auth_tokens WHERE user_id = :id", id=user.user_id)
    (main_sealed,) = stored(
        live_server, "SELECT api_key_sealed FROM users WHERE user_id = :id", id=user.user_id
    )
    extras_sealed = stored(
        live_server, "SELECT token_sealed FROM auth_tokens WHERE user_id = :id", id=user.user_id
    )
    assert main_stored == hashlib.sha256(user.token.encode()).hexdigest()
    assert sorted(extras_stored) == sorted(hashlib.sha256(t.encode()).hexdigest() for t in (feed, extra))
    assert len(extras_sealed) == 2
    assert all(s.startswith("v1:") for s in (main_sealed, *extras_sealed))
    for token in (user.token, feed, extra):
        for value in (main_stored, *extras_stored, main_sealed, *extras_sealed):
            assert token not in value and token[8:] not in value
    # nor the key that opens the sealed copies: it stays in the data directory
    secret = (live_server.data_dir / "secret-key").read_text().strip()
    assert secret not in (main_sealed, *extras_sealed)

    # "with secrets" answers show the real tokens again (REFERENCE.md 3.1)
    for caller in (admin_api, ApiClient(live_server.api_url, user.token)):
        shown = caller.result("get_user", userid=user.user_id)
        assert shown["api_key"] == user.token
        assert shown["api_keys"] == [user.token, feed, extra]
    # the stored form authenticates nothing
    for digest in (main_stored, *extras_stored):
        assert ApiClient(live_server.api_url, digest).error("get_user") == "Invalid API KEY"

    # API: main and extra token
    for token in (user.token, extra):
        assert ApiClient(live_server.api_url, token).result("get_user")["user_id"] == user.user_id
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        summary = f"/{repo.name}"
        assert client.get(summary).status_code in (401, 404)  # private: not for anonymous
        # HTTP Basic with a token as the password, as git and hg clients send it
        for token in (user.token, extra):
            assert client.get(summary, auth=(user.username, token)).status_code == 200
        assert client.get(summary, auth=(user.username, main_stored)).status_code == 401
        # ?auth_token= on a whitelisted view (feeds are, by default)
        rss = f"/{repo.name}/feed/rss"
        assert client.get(rss, params={"auth_token": feed}).status_code == 200
        assert client.get(rss, params={"auth_token": user.token}).status_code == 200
        assert client.get(rss, params={"auth_token": extras_stored[0]}).status_code == 403


def test_get_user_shows_the_real_tokens_after_creation(admin_api):
    name = unique("sealed")
    created = admin_api.result(
        "create_user", username=name, email=f"{name}@example.com", password="pw-12345"
    )["user"]
    assert len(created["api_key"]) == 40
    again = admin_api.result("get_user", userid=created["user_id"])
    assert again["api_key"] == created["api_key"]
    assert again["api_keys"] == created["api_keys"] and len(again["api_keys"]) == 2
    own = ApiClient(admin_api.api_url, again["api_key"])
    assert own.result("get_user")["user_id"] == again["user_id"]
