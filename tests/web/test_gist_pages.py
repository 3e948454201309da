"""The gist pages: highlighted view and raw files, for public, private and signed-in-only gists."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.factories import make_user
from tests.transport.clients import database
from tests.web.conftest import login, raw_get
from vcshub.db.models import Gist

FILES = {
    "hello.py": {"content": "def greet():\n    return '<b>héllo</b>'\n", "lexer": "python"},
    "naïve notes.txt": {"content": "plain <script>alert(1)</script>\n"},
}


def create(user, **options) -> dict:
    return user.api.result("create_gist", files=FILES, description="two files", **options)["gist"]


def test_public_gist_page_is_highlighted_and_escaped(live_server, admin_api, http):
    gist = create(make_user(admin_api))
    page = http.get(f"/_admin/gists/{gist['access_id']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-frame-options"] == "DENY"
    body = page.text
    assert 'class="highlight"' in body and "two files" in body
    # Pygments tagged the Python keyword; the file content never reaches the page as markup.
    assert '<span class="k">def</span>' in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert f'href="/_admin/gists/{gist["access_id"]}/raw/{quote("naïve notes.txt")}"' in body


def test_raw_files_are_served_exactly(live_server, admin_api, http):
    gist = create(make_user(admin_api))
    for name, spec in FILES.items():
        raw = http.get(f"/_admin/gists/{gist['access_id']}/raw/{quote(name)}")
        assert raw.status_code == 200
        assert raw.content == spec["content"].encode()
        assert raw.headers["content-type"] == "text/plain; charset=utf-8"
        assert raw.headers["x-content-type-options"] == "nosniff"
    missing = http.get(f"/_admin/gists/{gist['access_id']}/raw/nope.txt")
    assert missing.status_code == 404
    for attempt in ("..%2F..%2Fetc%2Fpasswd", "..", "%2E%2E"):
        status, _ = raw_get(live_server.url, f"/_admin/gists/{gist['access_id']}/raw/{attempt}")
        assert status == 404, attempt


def test_private_gist_only_by_its_access_id(live_server, admin_api, http):
    gist = create(make_user(admin_api), gist_type="private")
    assert http.get(f"/_admin/gists/{gist['access_id']}").status_code == 200
    assert http.get(f"/_admin/gists/{gist['gist_id']}").status_code == 404
    assert http.get(f"/_admin/gists/{gist['gist_id']}/raw/hello.py").status_code == 404


def test_signed_in_only_gist(live_server, admin_api):
    owner, viewer = make_user(admin_api), make_user(admin_api)
    gist = create(owner, acl_level="acl_private")
    url = f"/_admin/gists/{gist['access_id']}"
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert browser.get(url).status_code == 404
        assert browser.get(url + "/raw/hello.py").status_code == 404
        assert login(browser, viewer.username, viewer.password).status_code == 302
        page = browser.get(url)
        assert page.status_code == 200 and viewer.username in page.text
        assert browser.get(url + "/raw/hello.py").status_code == 200
    # HTTP Basic works as well as the session.
    basic = httpx.get(live_server.url + url, auth=(viewer.username, viewer.password), timeout=60)
    assert basic.status_code == 200
    wrong = httpx.get(live_server.url + url, auth=(viewer.username, "wrong"), timeout=60)
    assert wrong.status_code == 401


def test_expired_and_deleted_gists_are_gone(live_server, admin_api, http):
    owner = make_user(admin_api)
    expiring, deleted = create(owner, lifetime=60), create(owner)
    assert http.get(f"/_admin/gists/{expiring['access_id']}").status_code == 200
    with Session(database(live_server)) as db:
        db.execute(
            update(Gist).where(Gist.gist_id == expiring["gist_id"]).values(expires=1000.0)
        )
        db.commit()
    assert http.get(f"/_admin/gists/{expiring['access_id']}").status_code == 404
    owner.api.result("delete_gist", gistid=deleted["access_id"])
    assert http.get(f"/_admin/gists/{deleted['access_id']}").status_code == 404


def test_nul_in_urls_and_credentials_is_refused_cleanly(live_server, admin_api, http):
    """PostgreSQL cannot store or compare text with NUL: such names and secrets match nothing."""
    for path in ("/%00", "/x%00/raw/tip/a", "/_admin/gists/%00", "/_admin/gists/%00/raw/a",
                 "/x%00/info/refs?service=git-upload-pack", "/x%00?cmd=capabilities"):
        assert http.get(path).status_code in (401, 404), path
    user = make_user(admin_api)
    gist = create(user, acl_level="acl_private")
    url = f"/_admin/gists/{gist['access_id']}"
    for auth in ((user.username + "\x00", user.password), (user.username, "pw\x00" * 20)):
        assert http.get(url, auth=auth).status_code == 401
    form = http.get("/_admin/login")
    csrf = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = http.post("/_admin/login", data={
        "username": "a\x00b", "password": "x", "csrf_token": csrf, "came_from": "/"})
    assert response.status_code == 401


def test_an_expiry_beyond_the_calendar_does_not_break_the_page(live_server, admin_api, http):
    """Gists stored before lifetimes were capped (issue 14) may expire after year 9999."""
    gist = create(make_user(admin_api))
    with Session(database(live_server)) as db:
        db.execute(update(Gist).where(Gist.gist_id == gist["gist_id"]).values(expires=1e17))
        db.commit()
    page = http.get(f"/_admin/gists/{gist['access_id']}")
    assert page.status_code == 200 and "never expires" in page.text


def test_the_list_shows_a_gist_that_expires_after_year_9999(live_server, admin_api, http):
    gist = create(make_user(admin_api))
    with Session(database(live_server)) as db:
        db.execute(update(Gist).where(Gist.gist_id == gist["gist_id"]).values(expires=1e17))
        db.commit()
    page = http.get("/_admin/gists")
    assert page.status_code == 200 and f'href="/_admin/gists/{gist["access_id"]}"' in page.text


def test_gist_forms_refuse_a_post_without_the_csrf_token(live_server, admin_api):
    owner = make_user(admin_api)
    gist = create(owner)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        new = browser.get("/_admin/gists/new")
        assert new.status_code == 303 and new.headers["location"].startswith("/_admin/login?came_from=")
        login(browser, owner.username, owner.password)
        fields = {"filename": "x.txt", "content": "forged\n", "description": "forged"}
        for path in ("/_admin/gists/new", f"/_admin/gists/{gist['access_id']}/edit",
                     f"/_admin/gists/{gist['access_id']}/delete"):
            for token in ({}, {"csrf_token": "forged"}):
                refused = browser.post(path, data={**fields, **token})
                assert refused.status_code == 403, path
    mine = owner.api.result("get_gists")
    assert [g["gist_id"] for g in mine] == [gist["gist_id"]]
    assert owner.api.result("get_gist", gistid=gist["access_id"], content=True)["content"] == {
        name: spec["content"] for name, spec in FILES.items()}
