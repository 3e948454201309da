"""RC-later's cleanup_sessions and store_exception, and the server's own exception store as an
administrator sees it at /_admin/settings/exceptions (REFERENCE.md 5) — on a live server. The
500 page's side of the store is in tests/web/test_error_pages.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import update

from tests.factories import make_user
from tests.web.conftest import login
from vcshub.db.models import User, UserIpAddress

EXCEPTIONS = "/_admin/settings/exceptions"


@contextmanager
def _browser(live_server, user=None) -> Iterator[httpx.Client]:
    """A browser, signed in as ``user`` if given."""
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        if user is not None:
            assert login(client, user.username, user.password).status_code in (302, 303)
        yield client


def _admin(admin_api):
    """A second super-admin with a password, to sign in with."""
    admin = make_user(admin_api)
    admin_api.result("update_user", userid=admin.username, admin=True)
    return admin


def test_cleanup_sessions_ends_an_idle_browser_session(admin_api, live_server, db):
    user = make_user(admin_api)
    with _browser(live_server, user) as browser:
        assert browser.get("/_admin/my_account").status_code == 200
        with db.begin() as session:
            session.execute(update(User).where(User.user_id == user.user_id)
                            .values(last_login=dt.datetime(2020, 1, 1)))
        assert user.api.error("cleanup_sessions") == "Access was denied to this resource."
        assert browser.get("/_admin/my_account").status_code == 200
        assert admin_api.result("cleanup_sessions", older_then=60) == {
            "sessions_removed": 1, "backend": "cookie",
        }
        assert browser.get("/_admin/my_account").status_code in (302, 303)  # signed out
        assert admin_api.result("cleanup_sessions") == {"sessions_removed": 0, "backend": "cookie"}
    assert admin_api.error("cleanup_sessions", older_then="soon") == (
        "Error occurred during session cleanup"
    )


def test_store_exception(admin_api, live_server):
    sent = {"exc_traceback": "Traceback (most recent call last):\nKeyError: 'x'",
            "exc_type_name": "KeyError"}
    stored = admin_api.result("store_exception", exc_data_json=json.dumps(sent), prefix="tools")
    assert set(stored) == {"exc_id", "exc_url"} and isinstance(stored["exc_id"], int)
    assert stored["exc_url"] == f"{live_server.url}{EXCEPTIONS}/{stored['exc_id']}"
    assert admin_api.error("store_exception", exc_data_json="{nope") == (
        "Failed to parse JSON data from exc_data_json field. Please make sure it contains a "
        "valid JSON."
    )
    assert admin_api.error("store_exception", exc_data_json='{"exc_type_name": "E"}') == (
        "Missing exc_traceback, or exc_type_name in exc_data_json field. Missing: "
        "'exc_traceback'"
    )
    user = make_user(admin_api)
    assert user.api.error("store_exception", exc_data_json=json.dumps(sent)) == (
        "Access was denied to this resource."
    )
    admin = _admin(admin_api)
    with _browser(live_server, admin) as browser:
        page = browser.get(stored["exc_url"])
        assert page.status_code == 200
        assert "KeyError: &#39;x&#39;" in page.text and "tools" in page.text
        listing = browser.get(EXCEPTIONS)
        assert listing.status_code == 200 and f"{EXCEPTIONS}/{stored['exc_id']}" in listing.text


def test_the_apis_unexpected_error_is_kept_without_the_token(admin_api, live_server, db):
    """As in test_protocol.py: a whitelist entry that does not parse (only possible by editing
    the database) breaks get_ip inside the method. Here the entry is the caller's own token."""
    victim = make_user(admin_api)
    token = live_server.admin_token
    with db.begin() as session:
        session.add(UserIpAddress(user_id=victim.user_id, ip_addr=token))
    assert admin_api.error("get_ip", userid=victim.user_id) == "Internal server error"
    entries = sorted((live_server.data_dir / "exceptions").glob("*.json"))
    kept = [json.loads(p.read_text()) for p in entries]
    mine = [e for e in kept if e["where"] == "API get_ip"]
    assert mine and "*****" in mine[-1]["message"]
    assert all(token not in p.read_text() for p in entries)
    admin = _admin(admin_api)
    with _browser(live_server, admin) as browser:
        assert mine[-1]["exc_id"] in browser.get(EXCEPTIONS).text
        shown = browser.get(f"{EXCEPTIONS}/{mine[-1]['exc_id']}")
        assert shown.status_code == 200 and "Traceback" in shown.text and token not in shown.text
    with db.begin() as session:
        session.query(UserIpAddress).filter_by(user_id=victim.user_id).delete()


def test_the_exception_pages_exist_for_super_admins_only(admin_api, live_server):
    stored = admin_api.result("store_exception", exc_data_json=json.dumps(
        {"exc_traceback": "t", "exc_type_name": "E"}))
    user = make_user(admin_api)
    with _browser(live_server, user) as browser, _browser(live_server) as anonymous:
        for client in (browser, anonymous):
            for path in (EXCEPTIONS, f"{EXCEPTIONS}/{stored['exc_id']}"):
                assert client.get(path).status_code == 404
    with _browser(live_server, _admin(admin_api)) as browser:
        assert browser.get(f"{EXCEPTIONS}/12345").status_code == 404
        assert browser.get(f"{EXCEPTIONS}/not-an-id").status_code == 404
        page = browser.get(EXCEPTIONS)
        assert 'aria-current="page">Exceptions tracker' in page.text
