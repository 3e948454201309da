"""``/_admin/audit_logs`` over HTTP: a missing page to everyone but super-admins; it shows the
changes made on the site's own forms (web, with the admin's name and address) and through the
API, filtered by user, action, object and date, and the failed sign-ins."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import make_user, unique
from tests.web.conftest import form_csrf, login
from tests.web.test_admin_user_pages import admin_browser, signed_in

PATH = "/_admin/audit_logs"


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_a_missing_page_to_non_admins(live_server, admin_api, who):
    me = make_user(admin_api)
    credentials = (me.username, me.password) if who == "user" else (None, None)
    with signed_in(live_server, *credentials) as browser:
        answer = browser.get(PATH)
        twin = browser.get("/_admin/no-such-audit_logs")
        assert answer.status_code == twin.status_code == 404
        assert answer.text == twin.text.replace("_admin/no-such-audit_logs", "_admin/audit_logs")


def test_changes_on_the_site_and_through_the_api_and_failed_sign_ins(live_server, admin_api):
    victim = make_user(admin_api)
    group = unique("auditgroup")
    admin_api.result("create_user_group", group_name=group)
    with admin_browser(live_server) as browser:
        # a change on the site's own form: the user's first name
        edit = browser.get(f"/_admin/users/{victim.user_id}/edit")
        saved = browser.post(f"/_admin/users/{victim.user_id}/update", data={
            "csrf_token": form_csrf(edit), "username": victim.username,
            "email": f"{victim.username}@example.com", "firstname": "Grace",
            "lastname": "", "active": "on",
        })
        assert saved.status_code in (200, 302, 303)
    with signed_in(live_server) as stranger:  # a failed sign-in
        assert login(stranger, victim.username, "not-the-password").status_code == 401

    with admin_browser(live_server) as browser:
        page = browser.get(PATH, params={"object": victim.username})
        assert page.status_code == 200
        text = page.text
        assert "user.edit" in text and "Grace" in text and "via web" in text
        assert "user.login.failure" in text and "user.create" in text
        assert live_server.admin_username in text
        api = browser.get(PATH, params={"action": "user_group.*", "object": group})
        assert "user_group.create" in api.text and "via api" in api.text
        assert "user.edit" not in api.text
        tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
        assert "No entries" in browser.get(PATH, params={"since": tomorrow}).text
        assert browser.get(PATH, params={"since": "yesterday"}).status_code == 400
