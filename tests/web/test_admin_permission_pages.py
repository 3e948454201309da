"""``/_admin/permissions/...`` and the admin lists over HTTP: every URL is a missing page to
everyone but super-admins, every form refuses a missing or wrong CSRF token and bad choices
with nothing changed; a change of the defaults takes effect at once (issue 16: the default
repository permission set to none hides every repository from anonymous visitors; the IP
whitelist blocks, then allows again once removed); the lists filter and page."""

from __future__ import annotations

import contextlib

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.transport.clients import database
from tests.web.conftest import form_csrf, login
from tests.web.test_admin_user_pages import admin_browser, signed_in
from vcshub.db.models import User, UserGlobalPermission, UserIpAddress
from vcshub.services import default_permissions

PAGES = ["/_admin/permissions", "/_admin/permissions/application", "/_admin/permissions/global",
         "/_admin/permissions/object", "/_admin/permissions/ips", "/_admin/repos",
         "/_admin/repo_groups"]
OBJECT_NONE = {"repository": "repository.none", "group": "group.none",
               "usergroup": "usergroup.none", "overwrite_repository": "on",
               "overwrite_group": "on", "overwrite_usergroup": "on"}
GLOBAL_NONE = {"create": "hg.create.none", "create_on_write": "hg.create.write_on_repogroup.false",
               "repogroup_create": "hg.repogroup.create.false",
               "usergroup_create": "hg.usergroup.create.false", "fork": "hg.fork.none",
               "inherit": "hg.inherit_default_perms.true"}
FORMS = {
    "/_admin/permissions/application/update": {
        "register": "hg.register.auto_activate",
        "password_reset": "hg.password_reset.disabled"},
    "/_admin/permissions/global/update": GLOBAL_NONE,
    "/_admin/permissions/object/update": OBJECT_NONE,
    "/_admin/users/{default}/edit/ips/new": {"ip": "10.9.9.9"},
    "/_admin/users/{default}/edit/ips/delete": {"ip_id": "1"},
}


def _default_state(live_server) -> tuple:
    """The default user's global rows and IP entries, and every default row on objects."""
    with Session(database(live_server)) as db:
        default = db.scalar(select(User).where(User.username == "default"))
        rows = sorted(db.scalars(select(UserGlobalPermission.permission).where(
            UserGlobalPermission.user_id == default.user_id)))
        ips = sorted(db.scalars(select(UserIpAddress.ip_addr).where(
            UserIpAddress.user_id == default.user_id)))
        return default.user_id, rows, ips


def _forms(live_server) -> dict:
    default_id = _default_state(live_server)[0]
    return {path.format(default=default_id): fields for path, fields in FORMS.items()}


@contextlib.contextmanager
def restored_defaults(live_server, admin_browser_):
    """Put the default user's global rows back as they were, through the pages."""
    with Session(database(live_server)) as db:
        default_id = db.scalar(select(User.user_id).where(User.username == "default"))
        held = set(db.scalars(select(UserGlobalPermission.permission).where(
            UserGlobalPermission.user_id == default_id)))
    try:
        yield
    finally:
        for part, families in (("application", default_permissions.APPLICATION),
                               ("global", default_permissions.GLOBAL),
                               ("object", default_permissions.OBJECT)):
            page = admin_browser_.get(f"/_admin/permissions/{part}")
            data = {"csrf_token": form_csrf(page)}
            for family, (_label, choices) in families.items():
                data[family] = next(p for p in choices if p in held)
            assert admin_browser_.post(f"/_admin/permissions/{part}/update",
                                       data=data).status_code == 303


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_every_url_is_a_missing_page_to_non_admins(live_server, admin_api, who):
    me = make_user(admin_api)
    before = _default_state(live_server)
    credentials = (me.username, me.password) if who == "user" else (None, None)
    with signed_in(live_server, *credentials) as browser:
        def missing(method: str, path: str, **fields) -> str:
            twin = browser.request(method, path.replace("/_admin/", "/_admin/no-such-"), **fields)
            assert twin.status_code == 404
            return twin.text.replace("/_admin/no-such-", "/_admin/").replace(
                "_admin/no-such-", "_admin/")

        for url in PAGES:
            answer = browser.get(url)
            assert (answer.status_code, answer.text) == (404, missing("GET", url)), url
        token = form_csrf(browser.get("/_admin/login" if who == "anonymous"
                                      else "/_admin/my_account"))
        for url, fields in _forms(live_server).items():
            data = {**fields, "csrf_token": token}
            answer = browser.post(url, data=data)
            assert answer.status_code == 404, url
            assert answer.text == missing("POST", url, data=data), url
    assert _default_state(live_server) == before


def test_forms_refuse_a_missing_or_wrong_csrf_token_and_bad_choices(live_server):
    before = _default_state(live_server)
    with admin_browser(live_server) as browser:
        for url, fields in _forms(live_server).items():
            for extra in ({}, {"csrf_token": "not-the-token"}):
                refused = browser.post(url, data={**fields, **extra})
                assert refused.status_code == 403, url
                assert "nothing was changed" in refused.text
        token = form_csrf(browser.get("/_admin/permissions/global"))
        bad = [("/_admin/permissions/global/update", {**GLOBAL_NONE, "fork": "hg.admin"}),
               ("/_admin/permissions/global/update", {**GLOBAL_NONE, "create": ""}),
               ("/_admin/permissions/object/update", {**OBJECT_NONE, "group": "repository.none"}),
               ("/_admin/permissions/application/update", {"register": "hg.register.none"}),
               (f"/_admin/users/{before[0]}/edit/ips/new", {"ip": "not-an-address"})]
        for url, fields in bad:
            answer = browser.post(url, data={**fields, "csrf_token": token})
            assert answer.status_code == 400, (url, fields)
            assert "Not accepted" in answer.text
    assert _default_state(live_server) == before


def test_default_repository_permission_none_hides_every_repository(live_server, admin_api):
    public = create_repo(admin_api, "git", unique("pub-"))
    with admin_browser(live_server) as admin, httpx.Client(
            base_url=live_server.url, timeout=60) as anonymous:
        assert public in anonymous.get("/").text
        assert anonymous.get(f"/{public}").status_code == 200
        with restored_defaults(live_server, admin):
            token = form_csrf(admin.get("/_admin/permissions/object"))
            done = admin.post("/_admin/permissions/object/update",
                              data={**OBJECT_NONE, "csrf_token": token})
            assert done.status_code == 303
            assert "Existing objects changed: repositories" in admin.get(
                done.headers["location"]).text
            assert public not in anonymous.get("/").text
            assert anonymous.get(f"/{public}").status_code == 404
            later = create_repo(admin_api, "git", unique("pub-"))  # a new one: none too
            assert anonymous.get(f"/{later}").status_code == 404
            # back to read, existing rows overwritten again
            admin.post("/_admin/permissions/object/update", data={
                **OBJECT_NONE, "repository": "repository.read", "csrf_token": token})
            assert anonymous.get(f"/{public}").status_code == 200
            assert anonymous.get(f"/{later}").status_code == 200
        assert anonymous.get(f"/{public}").status_code == 200


def test_a_global_permission_change_takes_effect(live_server, admin_api):
    user = make_user(admin_api)
    with admin_browser(live_server) as admin, restored_defaults(live_server, admin):
        page = admin.get("/_admin/permissions/global")
        assert 'value="hg.create.repository" selected' in page.text
        done = admin.post("/_admin/permissions/global/update",
                          data={**GLOBAL_NONE, "csrf_token": form_csrf(page)})
        assert done.status_code == 303
        assert 'value="hg.create.none" selected' in admin.get(done.headers["location"]).text
        refused = user.api.error("create_repo", repo_name=unique("nope-"), repo_type="git")
        assert refused == "Access was denied to this resource."
    create_repo(user.api, "git", unique("yes-"))  # restored: he may again


def test_application_permissions_take_effect(live_server):
    """Sign-up closed: its page is missing; open again: it is back."""
    with admin_browser(live_server) as admin, restored_defaults(live_server, admin), \
            httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        page = admin.get("/_admin/permissions/application")
        fields = {"password_reset": "hg.password_reset.enabled", "csrf_token": form_csrf(page)}
        for register, status in (("hg.register.none", 404), ("hg.register.auto_activate", 200)):
            done = admin.post("/_admin/permissions/application/update",
                              data={**fields, "register": register})
            assert done.status_code == 303
            assert f'value="{register}" selected' in admin.get(done.headers["location"]).text
            assert anonymous.get("/_admin/register").status_code == status, register
        # the site's own IP entries have no page among a user's: only this one
        default_id = _default_state(live_server)[0]
        assert admin.get(f"/_admin/users/{default_id}/edit/ips").status_code == 404


def test_ip_whitelist_blocks_then_allows_again(live_server):
    """The admin comes through the trusted local proxy as 10.0.0.1 (X-Real-IP); the anonymous
    visitor is the test client itself, 127.0.0.1."""
    inside = {"X-Real-IP": "10.0.0.1"}
    default_id = _default_state(live_server)[0]
    with httpx.Client(base_url=live_server.url, timeout=60, headers=inside) as admin, \
            httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        login(admin, live_server.admin_username, live_server.admin_password)
        assert anonymous.get("/").status_code == 200
        page = admin.get("/_admin/permissions/ips")
        assert "No entries" in page.text
        added = admin.post(f"/_admin/users/{default_id}/edit/ips/new",
                           data={"ip": "10.0.0.0/8", "description": "office",
                                 "csrf_token": form_csrf(page)})
        assert added.headers["location"] == "/_admin/permissions/ips"
        try:
            assert anonymous.get("/").status_code == 401
            listed = admin.get("/_admin/permissions/ips")
            assert "<code>10.0.0.0/8</code>" in listed.text
            ip_id = listed.text.split('name="ip_id" value="', 1)[1].split('"', 1)[0]
            removed = admin.post(f"/_admin/users/{default_id}/edit/ips/delete",
                                 data={"ip_id": ip_id, "csrf_token": form_csrf(listed)})
            assert removed.status_code == 303
        finally:
            if anonymous.get("/").status_code != 200:  # undo by hand if the page failed
                with Session(database(live_server)) as db:
                    db.query(UserIpAddress).filter_by(user_id=default_id).delete()
                    db.commit()
        assert anonymous.get("/").status_code == 200
    assert _default_state(live_server)[2] == []


def _listed(page: httpx.Response) -> list[str]:
    return [part.split("</a>", 1)[0].split(">")[-1]
            for part in page.text.split('<td class="name"><a href="')[1:]]


def test_the_lists_filter_and_page(live_server, admin_api):
    prefix = unique("al").replace("-", "") + "x"
    for number in range(55):
        admin_api.result("create_repo", repo_name=f"{prefix}g/{prefix}{number:02d}",
                         repo_type="git", private=number % 2 == 0)
    with admin_browser(live_server) as browser:
        first = browser.get("/_admin/repos", params={"filter": prefix.upper() + "g/"})
        assert "55 matching" in first.text and "page 1 of 2" in first.text
        second = browser.get("/_admin/repos", params={"filter": f"{prefix}g/", "page": 2})
        names = _listed(first) + _listed(second)
        assert names == [f"{prefix}g/{prefix}{n:02d}" for n in range(55)]
        assert 'rel="next"' in first.text and 'rel="next"' not in second.text
        assert f'href="/{prefix}g/{prefix}07/settings"' in first.text
        assert browser.get(f"/{prefix}g/{prefix}07/settings").status_code == 200
        assert _listed(browser.get("/_admin/repos", params={"filter": prefix + "%"})) == []
        groups = browser.get("/_admin/repo_groups", params={"filter": prefix})
        assert _listed(groups) == [f"{prefix}g"]
        assert f'href="/{prefix}g/_settings"' in groups.text and "<td>55</td>" in groups.text
        assert browser.get(f"/{prefix}g/_settings").status_code == 200
        assert "None of the repository groups matches" in browser.get(
            "/_admin/repo_groups", params={"filter": "zz%q"}).text
