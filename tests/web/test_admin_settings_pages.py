"""``/_admin/settings`` over HTTP: every URL is a missing page to everyone but super-admins;
the read-only tabs show the machine's settings with their vcshub.toml keys (never the SMTP
password); the rescan form registers a repository made on disk and, when asked, forgets one
whose folder is gone; the test-mail form refuses a bad address and a server without SMTP;
every form refuses a missing or wrong CSRF token with nothing changed."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.test_repo_maintenance import init_by_hand
from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder
from tests.transport.clients import database
from tests.web.conftest import form_csrf
from tests.web.test_admin_user_pages import admin_browser, signed_in
from vcshub.db.models import Repository

PAGES = ["/_admin/settings", "/_admin/settings/global", "/_admin/settings/vcs",
         "/_admin/settings/mapping", "/_admin/settings/email", "/_admin/settings/system"]
FORMS = {"/_admin/settings/mapping/update": {"destroy": "on"},
         "/_admin/settings/email/update": {"test_email": "someone@example.com"}}


def _repo_names(live_server) -> set[str]:
    with Session(database(live_server)) as db:
        return set(db.scalars(select(Repository.repo_name)))


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_every_url_is_a_missing_page_to_non_admins(live_server, admin_api, who):
    me = make_user(admin_api)
    waiting = unique("unscanned-")
    init_by_hand(hosted_folder(live_server, waiting), "git")  # a rescan would pick it up
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
        for url, fields in FORMS.items():
            data = {**fields, "csrf_token": token}
            answer = browser.post(url, data=data)
            assert answer.status_code == 404, url
            assert answer.text == missing("POST", url, data=data), url
    assert waiting not in _repo_names(live_server)
    shutil.rmtree(hosted_folder(live_server, waiting))  # not for the next rescan to find


def test_home_shows_the_first_tab_and_the_nav_links_settings(live_server):
    with admin_browser(live_server) as browser:
        answer = browser.get("/_admin/settings")
        assert answer.status_code == 302
        assert answer.headers["location"] == "/_admin/settings/global"
        assert 'href="/_admin/settings"' in browser.get("/_admin/users").text


def test_read_only_tabs_name_their_keys_and_hide_the_smtp_password(live_server):
    with admin_browser(live_server) as browser:
        shown = browser.get("/_admin/settings/global").text
        assert "set in vcshub.toml: <code>api_access_controllers_whitelist</code>" in shown
        assert "<code>FeedController:*</code>" in shown
        assert "set in vcshub.toml: <code>base_url</code>" in shown
        assert 'href="/_admin/permissions/application"' in shown  # registration lives there
        vcs = browser.get("/_admin/settings/vcs").text
        assert "<code>423</code>" in vcs and "<code>lock_ret_code</code>" in vcs
        email = browser.get("/_admin/settings/email").text
        assert "<code>smtp_server</code>" in email and "<code>smtp_password</code>" in email
        assert 'name="test_email"' in email


def test_system_info_shows_what_get_server_info_reports(live_server, admin_api, db_backend):
    info = admin_api.result("get_server_info")
    with admin_browser(live_server) as browser:
        shown = browser.get("/_admin/settings/system").text
    assert f"<code>{info['db_type']}</code>" in shown
    assert info["db_type"] == ("postgresql" if db_backend == "postgresql" else "sqlite")
    assert f"<code>{info['git_version']}</code>" in shown
    assert f"<code>{info['storage']}</code>" in shown
    assert "MiB used of" in shown and f"Python packages ({len(info['py_modules'])})" in shown


def test_rescan_adds_a_repository_made_on_disk_and_removes_a_vanished_one(live_server, admin_api):
    found = f"{unique('scan-group-')}/{unique('on-disk-')}"
    init_by_hand(hosted_folder(live_server, found), "hg")
    gone = create_repo(admin_api, "git", unique("vanishing-"))
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get("/_admin/settings/mapping"))
        answer = browser.post("/_admin/settings/mapping/update", data={"csrf_token": token})
        assert answer.status_code == 303
        page = browser.get(answer.headers["location"]).text
        assert found in page.split("Added (", 1)[1].split("Removed", 1)[0]
        assert "Removed (0): none" in page
        assert admin_api.result("get_repo", repoid=found)["repo_type"] == "hg"

        shutil.rmtree(hosted_folder(live_server, gone))
        answer = browser.post("/_admin/settings/mapping/update",
                              data={"csrf_token": token, "destroy": "on"})
        assert answer.status_code == 303
        page = browser.get(answer.headers["location"]).text
        assert gone in page.split("Removed (", 1)[1].split("</p>", 1)[0]
    assert gone not in _repo_names(live_server) and found in _repo_names(live_server)


def test_forms_refuse_a_missing_or_wrong_csrf_token_and_bad_input(live_server):
    waiting = unique("unscanned-")
    init_by_hand(hosted_folder(live_server, waiting), "git")
    with admin_browser(live_server) as browser:
        for url, fields in FORMS.items():
            for extra in ({}, {"csrf_token": "not-the-token"}):
                refused = browser.post(url, data={**fields, **extra})
                assert refused.status_code == 403, url
                assert "nothing was changed" in refused.text
        assert waiting not in _repo_names(live_server)
        token = form_csrf(browser.get("/_admin/settings/email"))
        for address, why in (("not-an-address", "single @"), ("", "single @"),
                             ("someone@example.com", "smtp_server is not set")):
            answer = browser.post("/_admin/settings/email/update",
                                  data={"test_email": address, "csrf_token": token})
            assert answer.status_code == 400, address
            assert "Not accepted" in answer.text and why in answer.text, address
    shutil.rmtree(hosted_folder(live_server, waiting))


def test_a_big_rescan_names_twenty_repositories_and_counts_the_rest(live_server):
    folder = unique("bulk-")
    made = [f"{folder}/r{i:02}" for i in range(23)]
    for name in made:
        init_by_hand(hosted_folder(live_server, name), "git")
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get("/_admin/settings/mapping"))
        answer = browser.post("/_admin/settings/mapping/update", data={"csrf_token": token})
        said = browser.get(answer.headers["location"]).text.split("Added (", 1)[1].split(
            "Removed", 1)[0]
    total = int(said.split(")", 1)[0])  # other tests' folders may wait on disk too
    assert total >= len(made)
    assert said.count(", ") == 19 and f" and {total - 20} more." in said
    assert set(made) <= _repo_names(live_server)
