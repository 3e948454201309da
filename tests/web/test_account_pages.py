"""My-account pages over HTTP: anonymous visitors go to sign-in and back, every form refuses a
post without the session's CSRF token (and changes nothing), and the follow toggle."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import make_user
from tests.web.conftest import form_csrf, login, make_repo

PAGES = ["/_admin/my_account", "/_admin/my_account/auth_tokens", "/_admin/my_account/repos",
         "/_admin/my_account/watched", "/_admin/my_account/perms", "/_admin/my_account/ips"]
FORMS = {  # a post that would change something, without its token
    "/_admin/my_account": {"firstname": "Mallory", "lastname": "X", "email": "m@example.com"},
    "/_admin/my_account/emails": {"new_email": "extra-mallory@example.com"},
    "/_admin/my_account/auth_tokens": {"role": "all", "description": "stolen", "lifetime": "-1"},
}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_and_back(live_server, path):
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        answer = browser.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/_admin/login?came_from={path.replace('/', '%2F')}"


def test_forms_without_the_csrf_token_change_nothing(live_server, admin_api):
    user = make_user(admin_api, firstname="Alice")
    repo = make_repo(live_server, admin_api, "git", rich=False)
    before = admin_api.result("get_user", userid=user.user_id)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, user.username, user.password)
        good = form_csrf(browser.get("/_admin/my_account"))
        for path, fields in FORMS.items():
            for token in (None, "not-the-token"):
                data = dict(fields) if token is None else {**fields, "csrf_token": token}
                refused = browser.post(path, data=data)
                assert refused.status_code == 403, path
                assert "nothing was changed" in refused.text
        for path, field in (("/_admin/my_account/emails/delete", "email_id"),
                            ("/_admin/my_account/auth_tokens/delete", "token_id")):
            assert browser.post(path, data={field: "1"}).status_code == 403
        follow = {"follows_repo_id": str(admin_api.result("get_repo", repoid=repo.name)["repo_id"])}
        assert browser.post("/_admin/toggle_following", data=follow).status_code == 403
        page = browser.get(f"/{repo.name}")
        assert ">Follow</button>" in page.text  # still not following
        assert good in page.text
    after = admin_api.result("get_user", userid=user.user_id)
    for key in ("firstname", "lastname", "email", "emails", "api_keys"):
        assert after[key] == before[key], key


def test_follow_and_unfollow_from_the_repository_page(live_server, admin_api):
    user = make_user(admin_api)
    repo = make_repo(live_server, admin_api, "hg", rich=False)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, user.username, user.password)
        page = browser.get(f"/{repo.name}")
        repo_id = page.text.split('name="follows_repo_id" value="', 1)[1].split('"', 1)[0]
        data = {"csrf_token": form_csrf(page), "follows_repo_id": repo_id,
                "came_from": f"/{repo.name}"}
        done = browser.post("/_admin/toggle_following", data=data)
        assert done.status_code == 303 and done.headers["location"] == f"/{repo.name}"
        page = browser.get(f"/{repo.name}")
        assert ">Unfollow</button>" in page.text and "You follow" in page.text
        assert f'<a href="/{repo.name}">' in browser.get("/_admin/my_account/watched").text
        browser.post("/_admin/toggle_following", data=data)
        assert f'<a href="/{repo.name}">' not in browser.get("/_admin/my_account/watched").text
        missing = browser.post("/_admin/toggle_following",
                               data={**data, "follows_repo_id": "999999999"})
        assert missing.status_code == 404


def test_the_ip_page_exists_for_a_user_with_a_whitelist(live_server, admin_api):
    from sqlalchemy.orm import Session

    from tests.transport.clients import database
    from vcshub.db.models import UserIpAddress

    user = make_user(admin_api)
    with Session(database(live_server)) as db:  # no service manages whitelists yet
        db.add(UserIpAddress(user_id=user.user_id, ip_addr="127.0.0.0/8", description="here"))
        db.commit()
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, user.username, user.password)
        page = browser.get("/_admin/my_account/ips")
        assert page.status_code == 200
        assert "<code>127.0.0.0/8</code>" in page.text and "here" in page.text
        assert 'href="/_admin/my_account/ips"' in browser.get("/_admin/my_account").text
