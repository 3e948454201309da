"""The login form and the session cookie that the raw views accept."""

from __future__ import annotations

import httpx

from tests.web.conftest import login, logout, make_repo, reader


def test_login_form_and_session(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    raw = f"/{repo.name}/raw/tip/README.txt"
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        form = browser.get("/_admin/login")
        assert form.status_code == 200
        assert 'name="password"' in form.text and form.headers["cache-control"] == "no-store"
        wrong = login(browser, user.username, "not-the-password")
        assert wrong.status_code == 401 and "Invalid username or password" in wrong.text
        assert browser.get(raw).status_code == 404
        signed_in = login(browser, user.username.upper(), user.password)  # usernames ignore case
        assert signed_in.status_code == 302 and signed_in.headers["location"] == "/"
        cookie = signed_in.headers["set-cookie"].lower()
        assert "vcshub_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert browser.get(raw).status_code == 200
        logout(browser)
        assert browser.get(raw).status_code == 404


def test_login_needs_the_form_token(live_server, admin_api):
    """A cross-site form cannot log a browser in: the token lives in the (SameSite) session."""
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        data = {"username": user.username, "password": user.password, "csrf_token": "guessed"}
        response = browser.post("/_admin/login", data=data)
        assert response.status_code == 400 and "session expired" in response.text
        assert browser.get(f"/{repo.name}/feed/rss").status_code == 404


def test_login_redirects_only_to_this_server(live_server, admin_api):
    user = reader(admin_api, make_repo(live_server, admin_api, "git", rich=False).name)
    for came_from, expected in (
        ("/some/repo/raw/tip/x", "/some/repo/raw/tip/x"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ):
        with httpx.Client(base_url=live_server.url, timeout=60) as browser:
            page = browser.get("/_admin/login", params={"came_from": came_from})
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            response = browser.post("/_admin/login", data={
                "username": user.username, "password": user.password,
                "csrf_token": csrf, "came_from": came_from,
            })
            assert response.status_code == 302
            assert response.headers["location"] == expected, came_from


def test_password_change_ends_sessions(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "hg", rich=False, private=True)
    user = reader(admin_api, repo.name)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, user.username, user.password)
        assert browser.get(f"/{repo.name}/feed/rss").status_code == 200
        admin_api.result("update_user", userid=user.user_id, password="a-new-password-1")
        assert browser.get(f"/{repo.name}/feed/rss").status_code == 404


def test_disabled_account_cannot_log_in(live_server, admin_api):
    user = reader(admin_api, make_repo(live_server, admin_api, "git", rich=False).name)
    admin_api.result("update_user", userid=user.user_id, active=False)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        response = login(browser, user.username, user.password)
        assert response.status_code == 401 and "disabled" in response.text
