"""``force_password_change``: the web sends the user to choose a new password first."""

from __future__ import annotations

import httpx
import pytest

from tests.transport.clients import Clients, Credentials
from tests.web.conftest import login, make_repo, reader

PAGE = "/_admin/my_account/password"


def _form_token(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _change(browser: httpx.Client, current: str, new: str, again: str | None = None,
            came_from: str = "/") -> httpx.Response:
    page = browser.get(PAGE)
    assert page.status_code == 200
    return browser.post(PAGE, data={
        "csrf_token": _form_token(page), "came_from": came_from, "current_password": current,
        "new_password": new, "new_password_confirmation": new if again is None else again,
    })


def test_forced_change_before_anything_else(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name, force_password_change=True)
    raw = f"/{repo.name}/raw/tip/README.txt"
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        signed_in = login(browser, user.username, user.password)
        assert signed_in.status_code == 302
        assert signed_in.headers["location"].startswith(PAGE + "?came_from=")
        # every page leads to the form until the password is changed
        for path in ("/", raw, f"/{repo.name}"):
            response = browser.get(path)
            assert response.status_code == 303 and response.headers["location"] == PAGE, path
        assert "choose a new password" in browser.get(PAGE).text

        # refused changes keep the flag and say why
        for current, new, again, reason in (
            ("wrong-password", "brand-new-secret", None, "Current password is not your current"),
            (user.password, "short", None, "at least 6 characters"),
            (user.password, "brand-new-secret", "something-else", "does not match"),
            (user.password, user.password, None, "must differ"),
        ):
            refused = _change(browser, current, new, again)
            assert refused.status_code == 400 and reason in refused.text, reason
        assert browser.get(raw).status_code == 303

        done = _change(browser, user.password, "brand-new-secret", came_from=raw)
        assert done.status_code == 303 and done.headers["location"] == raw
        assert browser.get(raw).text == "Readme\nline 2\nline 3\n"  # the session goes on

    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert login(browser, user.username, user.password).status_code == 401
        signed_in = login(browser, user.username, "brand-new-secret")
        assert signed_in.status_code == 302 and signed_in.headers["location"] == "/"  # flag lifted


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_api_and_vcs_are_not_held_back(live_server, admin_api, tmp_path, kind):
    """API and VCS clients have no page to change a password on: they keep working, while the
    same user's browser is sent to the form."""
    repo = make_repo(live_server, admin_api, kind, rich=False, private=True)
    user = reader(admin_api, repo.name, force_password_change=True)

    assert user.api.result("get_user")["username"] == user.username
    assert user.api.result("get_repo", repoid=repo.name)["repo_name"] == repo.name
    clients = Clients(live_server.url, tmp_path)
    result, copy = clients.clone(kind, repo.name, Credentials(user.username, user.password))
    result.check()
    assert (copy.path / "README.txt").read_text().startswith("Readme")

    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, user.username, user.password)
        held = browser.get(f"/{repo.name}")
        assert held.status_code == 303 and held.headers["location"] == PAGE


def test_the_page_needs_a_signed_in_user(live_server):
    response = httpx.get(live_server.url + PAGE, timeout=60)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/_admin/login?came_from=")


def test_voluntary_change_ends_other_sessions(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    feed = f"/{repo.name}/feed/rss"
    with httpx.Client(base_url=live_server.url, timeout=60) as other, \
            httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(other, user.username, user.password)
        login(browser, user.username, user.password)
        assert _change(browser, user.password, "another-secret-2").status_code == 303
        assert browser.get(feed).status_code == 200
        assert other.get(feed).status_code == 404
