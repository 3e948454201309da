"""Tokens are stored as SHA-256 digests (issue 14): a copy of the database holds no working
token, yet every token still opens the API, HTTP Basic and ``?auth_token=`` views."""

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
    assert main_stored == hashlib.sha256(user.token.encode()).hexdigest()
    assert sorted(extras_stored) == sorted(hashlib.sha256(t.encode()).hexdigest() for t in (feed, extra))
    for token in (user.token, feed, extra):
        assert token not in (main_stored, *extras_stored)
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


def test_get_user_shows_only_a_prefix_after_creation(admin_api):
    name = unique("prefix")
    created = admin_api.result(
        "create_user", username=name, email=f"{name}@example.com", password="pw-12345"
    )["user"]
    assert len(created["api_key"]) == 40  # shown once, in full
    again = admin_api.result("get_user", userid=created["user_id"])
    assert again["api_key"] == created["api_key"][:8] + "\u2026"
    assert again["api_keys"] == [t[:8] + "\u2026" for t in created["api_keys"]]
