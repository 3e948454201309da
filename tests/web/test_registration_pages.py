"""Sign-up and password reset over HTTP: the site's modes, CSRF refusals, and a real mail
received by a real SMTP server (aiosmtpd) with the link that sets the new password."""

from __future__ import annotations

import contextlib
import email
import re
import time

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user, unique
from tests.live_server import free_port, start_server
from tests.transport.clients import database
from tests.web.conftest import form_csrf, login
from vcshub.db.models import User, UserGlobalPermission


@contextlib.contextmanager
def site(live_server, family: str, value: str):
    """The default user's ``family`` row is ``value`` for the block (no API sets it)."""
    def put(new: str) -> str | None:
        with Session(database(live_server)) as db:
            default = db.query(User).filter(User.username == "default").one()
            row = db.query(UserGlobalPermission).filter(
                UserGlobalPermission.user_id == default.user_id,
                UserGlobalPermission.permission.like(f"{family}.%")).one()
            old, row.permission = row.permission, new
            db.commit()
            return old
    old = put(value)
    try:
        yield
    finally:
        put(old)


def _signup(browser: httpx.Client, **fields) -> httpx.Response:
    name = fields.pop("username", None) or unique("joiner")
    data = {"username": name, "email": f"{name}@example.com", "password": "joiner-secret",
            "password_confirmation": "joiner-secret", **fields}
    data.setdefault("csrf_token", form_csrf(browser.get("/_admin/register")))
    return browser.post("/_admin/register", data=data)


def test_sign_up_follows_the_site_mode(live_server, admin_api):
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        with site(live_server, "hg.register", "hg.register.none"):
            assert browser.get("/_admin/register").status_code == 404
            assert 'href="/_admin/register"' not in browser.get("/_admin/login").text
        with site(live_server, "hg.register", "hg.register.manual_activate"):
            assert 'href="/_admin/register"' in browser.get("/_admin/login").text
            name = unique("manual")
            made = _signup(browser, username=name)
            assert made.status_code == 303
            assert "administrator must activate" in browser.get(made.headers["location"]).text
            assert login(browser, name, "joiner-secret").status_code == 401
            assert admin_api.result("get_user", userid=name)["active"] is False
        with site(live_server, "hg.register", "hg.register.auto_activate"):
            name = unique("auto")
            made = _signup(browser, username=name, firstname="Ann")
            assert made.status_code == 303 and made.headers["location"] == "/"
            assert "you may sign in now" in browser.get("/").text
            assert login(browser, name, "joiner-secret").status_code == 302
            assert admin_api.result("get_user", userid=name)["firstname"] == "Ann"


def test_sign_up_refusals_and_csrf(live_server, admin_api):
    taken = make_user(admin_api)
    with site(live_server, "hg.register", "hg.register.auto_activate"), \
            httpx.Client(base_url=live_server.url, timeout=60) as browser:
        refused = _signup(browser, username=taken.username)
        assert refused.status_code == 400 and "is taken" in refused.text
        refused = _signup(browser, password="abc", password_confirmation="abc")
        assert refused.status_code == 400 and "at least 6 characters" in refused.text
        name = unique("forged")
        for token in ("", "forged"):
            assert _signup(browser, username=name, csrf_token=token).status_code == 403
        assert admin_api.call("get_user", userid=name)["error"]  # nobody was made


class Inbox:
    """A real SMTP server collecting what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait(self, count: int, seconds: float = 20) -> list:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture(scope="module")
def mailing_server(db_backend, tmp_path_factory):
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    data_dir = tmp_path_factory.mktemp(f"mail-{db_backend}")
    try:
        with database_url(db_backend, "mail", data_dir) as url:
            server = start_server(data_dir, url, VCSHUB_SMTP_SERVER="127.0.0.1",
                                  VCSHUB_SMTP_PORT=str(port), VCSHUB_SMTP_FROM="hub@example.com")
            api = ApiClient(server.api_url, server.admin_token)
            try:
                yield server, api, inbox
            finally:
                api.close()
                server.stop()
    finally:
        smtp.stop()


def test_a_mailed_link_sets_the_password_once(mailing_server):
    server, api, inbox = mailing_server
    user = make_user(api)
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        ask = browser.get("/_admin/password_reset")
        for token in ("", "forged"):
            refused = browser.post("/_admin/password_reset", data={"email": user.data["email"], "csrf_token": token})
            assert refused.status_code == 403
        nobody = browser.post("/_admin/password_reset",
                              data={"email": "nobody@example.com", "csrf_token": form_csrf(ask)})
        sent = browser.post("/_admin/password_reset",
                            data={"email": user.data["email"].upper(), "csrf_token": form_csrf(ask)})
        assert nobody.status_code == sent.status_code == 303
        assert "on its way" in browser.get("/_admin/password_reset").text
        [mail] = inbox.wait(1)
        time.sleep(0.5)
        assert len(inbox.messages) == 1  # nothing for the unknown address
        assert (mail["To"], mail["From"]) == (user.data["email"], "hub@example.com")
        link = re.search(r"http://\S+", mail.get_payload(decode=True).decode())[0]
        assert link.startswith(server.url + "/_admin/password_reset_confirmation?key=")
        page = browser.get(link)
        assert page.status_code == 200
        key = link.split("key=", 1)[1]
        fields = {"key": key, "new_password": "reset-secret", "new_password_confirmation": "reset-secret"}
        assert browser.post("/_admin/password_reset_confirmation", data=fields).status_code == 403
        done = browser.post("/_admin/password_reset_confirmation",
                            data={**fields, "csrf_token": form_csrf(page)})
        assert done.status_code == 303
        again = browser.post("/_admin/password_reset_confirmation",
                             data={**fields, "csrf_token": form_csrf(page)})
        assert again.status_code == 400 and "already used" in again.text
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        assert login(browser, user.username, user.password).status_code == 401
        assert login(browser, user.username, "reset-secret").status_code == 302


def test_without_mail_the_page_sends_nothing(live_server, admin_api):
    user = make_user(admin_api)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        with site(live_server, "hg.password_reset", "hg.password_reset.enabled"):
            assert 'href="/_admin/password_reset"' in browser.get("/_admin/login").text
        with site(live_server, "hg.password_reset", "hg.password_reset.hidden"):
            assert 'href="/_admin/password_reset"' not in browser.get("/_admin/login").text
        page = browser.get("/_admin/password_reset")
        assert page.status_code == 200 and "administrator must reset your password" in page.text
        assert 'name="email"' not in page.text
        answer = browser.post("/_admin/password_reset", data={
            "email": user.data["email"], "csrf_token": form_csrf(browser.get("/_admin/login"))})
        assert answer.status_code == 200 and "administrator must reset" in answer.text
