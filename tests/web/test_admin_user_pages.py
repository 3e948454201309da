"""``/_admin/users`` over HTTP: missing for everyone but super-admins, the list's filter and
pages, creating, editing, the tokens / e-mails / IP whitelist / global permissions tabs, the
permissions summary against the API, deleting; forms refuse a missing CSRF token and bad input,
changing nothing."""

from __future__ import annotations

import contextlib

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user, people, unique
from tests.factories.api import create_repo
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


def test_tokens_e_mails_and_ip_whitelist(live_server, admin_api):
    user = make_user(admin_api)
    edit = f"/_admin/users/{user.user_id}/edit"
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get(f"{edit}/auth_tokens"))
        made = browser.post(f"{edit}/auth_tokens/new", data={
            "csrf_token": token, "role": "token_role_api", "lifetime": "60",
            "description": "ci"})
        clear = made.text.split('<code id="new-token">', 1)[1].split("<", 1)[0]
        answer = httpx.post(live_server.api_url, timeout=60, json={
            "id": 1, "auth_token": clear, "method": "get_user", "args": {}}).json()
        assert answer["result"]["username"] == user.username
        row = made.text.split('class="token-row" data-token-id="')[-1]  # the newest
        token_id = row.split('"', 1)[0]
        assert clear[:8] in row and "<td>ci</td>" in row
        browser.post(f"{edit}/auth_tokens/delete", data={"csrf_token": token, "token_id": token_id})
        assert f'data-token-id="{token_id}"' not in browser.get(f"{edit}/auth_tokens").text
        gone = httpx.post(live_server.api_url, timeout=60, json={
            "id": 1, "auth_token": clear, "method": "get_user", "args": {}}).json()
        assert gone["error"]

        extra = f"{unique('extra')}@example.com"
        browser.post(f"{edit}/emails/new", data={"csrf_token": token, "new_email": extra})
        assert admin_api.result("get_user", userid=user.user_id)["emails"][-1] == extra
        taken = browser.post(f"{edit}/emails/new", data={"csrf_token": token, "new_email": extra})
        assert taken.status_code == 400 and "already in use" in taken.text
        email_id = browser.get(f"{edit}/emails").text.split('name="email_id" value="')[1][:12]
        browser.post(f"{edit}/emails/delete",
                     data={"csrf_token": token, "email_id": email_id.split('"')[0]})
        assert extra not in admin_api.result("get_user", userid=user.user_id)["emails"]

        browser.post(f"{edit}/ips/new", data={"csrf_token": token, "ip": "10.1.0.0/16",
                                             "description": "office"})
        assert admin_api.result("get_user", userid=user.user_id)["ip_addresses"] == ["10.1.0.0/16"]
        bad = browser.post(f"{edit}/ips/new", data={"csrf_token": token, "ip": "10.1.0.999"})
        assert bad.status_code == 400 and "not an IP address" in bad.text
        again = browser.post(f"{edit}/ips/new", data={"csrf_token": token, "ip": "10.1.0.0/16"})
        assert again.status_code == 400 and "already in the whitelist" in again.text
        ip_id = browser.get(f"{edit}/ips").text.split('name="ip_id" value="')[1].split('"')[0]
        browser.post(f"{edit}/ips/delete", data={"csrf_token": token, "ip_id": ip_id})
    assert admin_api.result("get_user", userid=user.user_id)["ip_addresses"] == []


def test_permissions_summary_and_global_permissions_agree_with_the_api(live_server, admin_api):
    user = make_user(admin_api)
    group = unique("ug")
    admin_api.result("create_user_group", group_name=group)
    admin_api.result("add_user_to_user_group", usergroupid=group, userid=user.user_id)
    repo = create_repo(admin_api, "git", unique("perm-"), private=True)
    admin_api.result("grant_user_group_permission", repoid=repo, usergroupid=group,
                     perm="repository.write")
    edit = f"/_admin/users/{user.user_id}/edit"
    with admin_browser(live_server) as browser:
        page = browser.get(f"{edit}/permissions_summary")
        row = page.text.split(f'<tr data-name="{repo}">', 1)[1].split("</tr>", 1)[0]
        api = admin_api.result("get_user", userid=user.user_id)["permissions"]
        assert f"<code>{api['repositories'][repo]}</code>" in row
        assert api["repositories"][repo] == "repository.write"
        assert f'<td class="origin">user group {group}</td>' in row

        token = form_csrf(page)
        chosen = {"create": "hg.create.none",
                  "create_on_write": "hg.create.write_on_repogroup.true",
                  "repogroup_create": "hg.repogroup.create.true",
                  "usergroup_create": "hg.usergroup.create.false", "fork": "hg.fork.none",
                  "inherit": "hg.inherit_default_perms.true"}
        done = browser.post(f"{edit}/global_permissions/update",
                            data={"csrf_token": token, **chosen})
        assert done.status_code == 303
        held = admin_api.result("get_user", userid=user.user_id)["permissions"]["global"]
        assert "hg.create.none" in held and "hg.repogroup.create.true" in held
        assert "set on your account" in browser.get(f"{edit}/permissions_summary").text
        bad = browser.post(f"{edit}/global_permissions/update",
                           data={"csrf_token": token, **chosen, "fork": "hg.admin"})
        assert bad.status_code == 400
        browser.post(f"{edit}/global_permissions/update",
                     data={"csrf_token": token, "inherit_default_permissions": "on"})
    held = admin_api.result("get_user", userid=user.user_id)["permissions"]["global"]
    assert "hg.create.repository" in held and "hg.repogroup.create.false" in held


def test_delete_asks_for_confirmation_and_refuses_an_owner(live_server, admin_api):
    owner = make_user(admin_api)
    repo = create_repo(admin_api, "git", unique("owned-"), owner=owner.username)
    plain = make_user(admin_api)
    with admin_browser(live_server) as browser:
        page = browser.get(f"/_admin/users/{owner.user_id}/edit/advanced")
        assert repo in page.text and "cannot be deleted" in page.text
        token = form_csrf(page)
        refused = browser.post(f"/_admin/users/{owner.user_id}/delete",
                               data={"csrf_token": token, "confirm": owner.username})
        assert refused.status_code == 400 and "still owns" in refused.text
        wrong = browser.post(f"/_admin/users/{plain.user_id}/delete",
                             data={"csrf_token": token, "confirm": "someone-else"})
        assert wrong.status_code == 400 and "type the username" in wrong.text
        assert admin_api.result("get_user", userid=plain.user_id)["username"] == plain.username
        done = browser.post(f"/_admin/users/{plain.user_id}/delete",
                            data={"csrf_token": token, "confirm": plain.username})
        assert done.status_code == 303 and done.headers["location"] == "/_admin/users"
        assert f"Deleted user {plain.username}" in browser.get("/_admin/users").text
        assert browser.get(f"/_admin/users/{plain.user_id}/edit").status_code == 404
    assert admin_api.result("get_user", userid=owner.user_id)["username"] == owner.username
    assert plain.username not in [u["username"] for u in admin_api.result("get_users")]
