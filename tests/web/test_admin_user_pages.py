"""``/_admin/users`` over HTTP: every URL is missing for everyone but super-admins, every form
refuses a missing CSRF token, the list's filter and pages, creating and editing (bad input
answers 400 with nothing changed). The other tabs: test_admin_user_edit_pages.py."""

from __future__ import annotations

import contextlib

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user, people, unique
from tests.transport.clients import database
from tests.web.conftest import form_csrf, login
from vcshub.config import load_settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import User
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web.web_auth import PASSWORD_PAGE

PAGES = ["", "/new", "/{id}/edit", "/{id}/edit/advanced", "/{id}/edit/auth_tokens",
         "/{id}/edit/emails", "/{id}/edit/ips", "/{id}/edit/global_permissions",
         "/{id}/edit/permissions_summary"]
FORMS = {  # a post that would change something, with what it sends
    "/create": {"username": "mallory", "password": "pw", "email": "mallory@example.com",
                "active": "on", "admin": "on"},
    "/{id}/update": {"username": "{name}", "email": "{name}@example.com", "admin": "on",
                     "active": "on"},
    "/{id}/password_reset": {"force_password_reset": "true"},
    "/{id}/delete": {"confirm": "{name}"},
    "/{id}/edit/auth_tokens/new": {"role": "all", "description": "stolen", "lifetime": "-1"},
    "/{id}/edit/auth_tokens/delete": {"token_id": "1"},
    "/{id}/edit/emails/new": {"new_email": "stolen-{name}@example.com"},
    "/{id}/edit/emails/delete": {"email_id": "1"},
    "/{id}/edit/ips/new": {"ip": "10.9.9.9"},
    "/{id}/edit/ips/delete": {"ip_id": "1"},
    "/{id}/edit/global_permissions/update": {"create": "hg.create.none"},
}
WATCHED = ("username", "email", "active", "admin", "emails", "ip_addresses", "api_keys",
           "permissions")


def _url(path: str, user) -> str:
    return "/_admin/users" + path.format(id=user.user_id)


def _fields(fields: dict, user) -> dict:
    return {key: value.format(name=user.username) for key, value in fields.items()}


@contextlib.contextmanager
def signed_in(live_server, username=None, password=None):
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        if username is not None:
            login(browser, username, password)
        yield browser


def admin_browser(live_server):
    return signed_in(live_server, live_server.admin_username, live_server.admin_password)


def _state(live_server, admin_api, user) -> dict:
    """What the API says of ``user``, and the one flag it does not show."""
    answer = admin_api.result("get_user", userid=user.user_id)
    with Session(database(live_server)) as db:
        forced = db.get(User, user.user_id).force_password_change
    return {**{key: answer.get(key) for key in WATCHED}, "forced": forced}


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_every_admin_url_is_a_missing_page_to_non_admins(live_server, admin_api, who):
    target = make_user(admin_api)
    me = make_user(admin_api)
    before = _state(live_server, admin_api, target)
    credentials = (me.username, me.password) if who == "user" else (None, None)
    with signed_in(live_server, *credentials) as browser:
        def missing(method: str, path: str, **fields) -> str:
            """The answer at the same address with ``users`` unknown, words put back."""
            twin = browser.request(method, path.replace("/users", "/no-such-users"), **fields)
            assert twin.status_code == 404
            return twin.text.replace("no-such-users", "users")

        for path in PAGES:
            url = _url(path, target)
            answer = browser.get(url)
            assert (answer.status_code, answer.text) == (404, missing("GET", url)), path
        page = browser.get("/_admin/login" if who == "anonymous" else "/_admin/my_account")
        token = form_csrf(page)  # a valid token of this session: only the 404 stops them
        for path, fields in FORMS.items():
            data = {**_fields(fields, target), "csrf_token": token}
            answer = browser.post(_url(path, target), data=data)
            expected = missing("POST", _url(path, target), data=data)
            assert (answer.status_code, answer.text) == (404, expected), path
        assert 'href="/_admin/users"' not in browser.get("/").text  # no Admin link
    assert _state(live_server, admin_api, target) == before


def test_forms_refuse_a_missing_or_wrong_csrf_token(live_server, admin_api):
    target = make_user(admin_api)
    before = _state(live_server, admin_api, target)
    with admin_browser(live_server) as browser:
        assert 'href="/_admin/users">Admin</a>' in browser.get("/").text
        for path, fields in FORMS.items():
            for extra in ({}, {"csrf_token": "not-the-token"}):
                data = {**_fields(fields, target), **extra}
                refused = browser.post(_url(path, target), data=data)
                assert refused.status_code == 403, path
                assert "nothing was changed" in refused.text
    assert _state(live_server, admin_api, target) == before
    assert "mallory" not in [u["username"] for u in admin_api.result("get_users")]


def _make_users(live_server, prefix: str, count: int) -> None:
    """Straight into the server's database through the services (no password to hash)."""
    settings = load_settings(environ={}, data_dir=live_server.data_dir,
                             database_url=live_server.database_url)
    engine = create_db_engine(live_server.database_url)
    try:
        with unit_of_work(create_session_factory(engine), settings) as uow:
            for number in range(count):
                people.user(uow, username=f"{prefix}{number:03d}", firstname=f"F{number}")
    finally:
        engine.dispose()


def _listed(page: httpx.Response) -> list[str]:
    return [part.split("</a>", 1)[0].split(">")[-1]
            for part in page.text.split('<td class="name"><a href="/_admin/users/')[1:]]


def test_the_list_filters_and_pages(live_server):
    prefix = unique("lst").replace("-", "") + "x"
    _make_users(live_server, prefix, 120)
    with admin_browser(live_server) as browser:
        first = browser.get("/_admin/users", params={"filter": prefix.upper()})
        assert first.status_code == 200 and "120 matching" in first.text
        seen = []
        for number in (1, 2, 3):
            page = browser.get("/_admin/users", params={"filter": prefix, "page": number})
            names = _listed(page)
            assert len(names) == (50 if number < 3 else 20)
            seen += names
            assert f"page {number} of 3" in page.text
            assert ('rel="next"' in page.text) == (number < 3)
        assert sorted(seen) == [f"{prefix}{n:03d}" for n in range(120)]
        by_name = browser.get("/_admin/users", params={"filter": f"{prefix}042"})
        assert _listed(by_name) == [f"{prefix}042"]
        by_mail = browser.get("/_admin/users", params={"filter": f"{prefix}007@example"})
        assert _listed(by_mail) == [f"{prefix}007"]
        assert _listed(browser.get("/_admin/users", params={"filter": prefix + "%"})) == []
        assert "No user matches" in browser.get("/_admin/users", params={"filter": "zz%q"}).text


def test_create_then_the_new_user_signs_in(live_server, admin_api):
    name = unique("made")
    with admin_browser(live_server) as browser:
        form = browser.get("/_admin/users/new")
        data = {"csrf_token": form_csrf(form), "username": name, "password": "pw-made-1",
                "email": f"{name}@example.com", "firstname": "Ada", "lastname": "L",
                "active": "on"}
        made = browser.post("/_admin/users/create", data=data)
        assert made.status_code == 303 and made.headers["location"].endswith("/edit")
        assert f"Created user {name}" in browser.get(made.headers["location"]).text
        taken = browser.post("/_admin/users/create", data={**data, "email": "other@example.com"})
        bad_mail = browser.post("/_admin/users/create",
                                data={**data, "username": name + "b", "email": "no-at-sign"})
        no_password = browser.post("/_admin/users/create",
                                   data={**data, "username": name + "c", "password": "",
                                         "email": f"{name}c@example.com"})
    assert taken.status_code == 400 and f"user `{name}` already exists" in taken.text
    assert bad_mail.status_code == 400 and "must contain a single @" in bad_mail.text
    assert no_password.status_code == 400 and "password: Required" in no_password.text
    usernames = [u["username"] for u in admin_api.result("get_users")]
    assert name in usernames and name + "b" not in usernames and name + "c" not in usernames
    user = admin_api.result("get_user", userid=name)
    assert (user["firstname"], user["active"], user["admin"]) == ("Ada", True, False)
    with signed_in(live_server, name, "pw-made-1") as browser:
        assert f'class="account" href="/_admin/my_account">{name}<' in browser.get("/").text
    with admin_browser(live_server) as browser:
        row = browser.get("/_admin/users", params={"filter": name}).text.split("user-row")[1]
        assert "just now" in row and "never" not in row  # his last sign-in


def _edit_form(browser, user) -> dict:
    page = browser.get(f"/_admin/users/{user.user_id}/edit")
    assert page.status_code == 200
    return {"csrf_token": form_csrf(page), "username": user.username,
            "email": f"{user.username}@example.com", "firstname": "", "lastname": "",
            "active": "on"}


def test_edit_active_admin_and_password(live_server, admin_api):
    user = make_user(admin_api)
    url = f"/_admin/users/{user.user_id}"
    with admin_browser(live_server) as browser:
        form = _edit_form(browser, user)
        done = browser.post(f"{url}/update", data={**form, "admin": "on", "lastname": "Boss"})
        assert done.status_code == 303
        assert "updated: admin, lastname" in browser.get(done.headers["location"]).text
        assert admin_api.result("get_user", userid=user.user_id)["admin"] is True
        form.pop("active")
        browser.post(f"{url}/update", data={**form, "admin": "on", "lastname": "Boss"})
        bad = browser.post(f"{url}/update", data={**form, "email": "broken"})
        assert bad.status_code == 400
    assert admin_api.result("get_user", userid=user.user_id)["active"] is False
    assert admin_api.result("get_user", userid=user.user_id)["email"] == user.data["email"]
    with signed_in(live_server, user.username, user.password) as browser:
        assert 'class="account"' not in browser.get("/").text  # refused: inactive
    with admin_browser(live_server) as browser:
        form = _edit_form(browser, user)
        browser.post(f"{url}/update", data={**form, "new_password": "brand-new-pw"})
        forced = browser.post(f"{url}/password_reset", data={
            "csrf_token": form["csrf_token"], "force_password_reset": "true"})
        assert forced.status_code == 303
    with signed_in(live_server, user.username, "brand-new-pw") as browser:
        forced = browser.get("/_admin/my_account")  # signed in, but must pick a password first
        assert (forced.status_code, forced.headers.get("location")) == (303, PASSWORD_PAGE)
