"""Browser sessions end server-side (issue 14): logout is a POST with a CSRF token, and a copy
of the session cookie taken before logout or deactivation is refused afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.web.conftest import form_csrf, login, logout, make_repo, reader
from vcshub.web.sessions import SESSION_COOKIE


@contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert login(browser, user.username, user.password).status_code == 302
        yield browser


def copy_of(browser: httpx.Client, live_server) -> httpx.Client:
    """Another client holding the same session cookie (stolen, or a second tab's copy)."""
    return httpx.Client(
        base_url=live_server.url, timeout=60,
        cookies={SESSION_COOKIE: browser.cookies[SESSION_COOKIE]},
    )


def test_a_copied_cookie_is_refused_after_logout(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    raw = f"/{repo.name}/raw/tip/README.txt"
    with signed_in(live_server, user) as browser, copy_of(browser, live_server) as copy:
        assert copy.get(raw).status_code == 200
        answer = logout(browser)
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        assert browser.get(raw).status_code == 404
        assert copy.get(raw).status_code == 404  # the copy ended with the session
    # signing in again works as before
    with signed_in(live_server, user) as browser:
        assert browser.get(raw).status_code == 200


def test_logout_needs_post_and_the_csrf_token(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    raw = f"/{repo.name}/raw/tip/README.txt"
    with signed_in(live_server, user) as browser:
        # GET shows a form that posts back; it signs nobody out (a link or <img> cannot)
        page = browser.get("/_admin/logout")
        assert page.status_code == 200 and 'method="post"' in page.text
        assert browser.get(raw).status_code == 200
        # POST without the token, or with a wrong one, is refused and changes nothing
        assert browser.post("/_admin/logout").status_code == 400
        assert browser.post("/_admin/logout", data={"csrf_token": "guessed"}).status_code == 400
        assert browser.get(raw).status_code == 200
        assert browser.post("/_admin/logout", data={"csrf_token": form_csrf(page)}).status_code == 303
        assert browser.get(raw).status_code == 404


def test_deactivation_ends_sessions_for_good(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    raw = f"/{repo.name}/raw/tip/README.txt"
    with signed_in(live_server, user) as browser:
        admin_api.result("update_user", userid=user.user_id, active=False)
        assert browser.get(raw).status_code == 404
        admin_api.result("update_user", userid=user.user_id, active=True)
        assert browser.get(raw).status_code == 404  # reactivation does not revive the session
    with signed_in(live_server, user) as browser:
        assert browser.get(raw).status_code == 200
