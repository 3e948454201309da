"""Browser logins arriving together all succeed (issue 14, defect 4): each writes the user's
last login, and on SQLite all but one used to answer HTTP 500 ("database is locked")."""

from __future__ import annotations

import httpx

from tests.concurrency import run_together
from tests.factories import make_user

BROWSERS = 8
ROUNDS = 2


def test_concurrent_logins_all_succeed(live_server, admin_api):
    users = [make_user(admin_api) for _ in range(BROWSERS)]
    for _ in range(ROUNDS):
        browsers = [httpx.Client(base_url=live_server.url, timeout=120) for _ in users]
        try:
            tokens = [_form_token(browser) for browser in browsers]

            def log_in(i: int) -> int:
                return browsers[i].post("/_admin/login", data={
                    "username": users[i].username, "password": users[i].password,
                    "csrf_token": tokens[i], "came_from": "/",
                }).status_code

            assert run_together(BROWSERS, log_in) == [302] * BROWSERS
            # each browser is signed in as its own user
            for browser, user in zip(browsers, users, strict=True):
                assert user.username in browser.get("/").text
        finally:
            for browser in browsers:
                browser.close()


def _form_token(browser: httpx.Client) -> str:
    form = browser.get("/_admin/login")
    return form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
