"""One IP rule for every way in (issue 14): the ``default`` user's IP whitelist limits
anonymous web pages exactly as it limits anonymous git and hg clients, and a signed-in
browser session honours its user's whitelist."""

from __future__ import annotations

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.transport.clients import database, probe
from tests.web.conftest import both_kinds, login, make_repo, reader
from vcshub.db.models import User, UserIpAddress


def whitelist(live_server, username: str, *entries: str) -> None:
    """Replace ``username``'s IP whitelist (written directly: while the default user's list
    shuts out 127.0.0.1 the test's own admin, who inherits it, could not undo it by API)."""
    with Session(database(live_server)) as db:
        user_id = db.scalar(select(User.user_id).where(User.username == username))
        db.execute(delete(UserIpAddress).where(UserIpAddress.user_id == user_id))
        db.add_all(UserIpAddress(user_id=user_id, ip_addr=entry) for entry in entries)
        db.commit()


@both_kinds
def test_default_users_whitelist_closes_anonymous_pages_like_clones(live_server, admin_api, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False)  # public
    pages = ["/", f"/{repo.name}", f"/{repo.name}/changelog", f"/{repo.name}/raw/tip/README.txt"]
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        assert [http.get(path).status_code for path in pages] == [200] * len(pages)
        assert probe(live_server.url, kind, repo.name).status_code == 200
        whitelist(live_server, "default", "10.0.0.1")  # not the test client's 127.0.0.1
        try:
            clone = probe(live_server.url, kind, repo.name)
            assert clone.status_code == 401
            for path in pages:
                page = http.get(path)
                assert page.status_code == clone.status_code, path
                assert page.headers["www-authenticate"] == clone.headers["www-authenticate"], path
            # from the listed address both work
            inside = {"X-Real-IP": "10.0.0.1"}
            assert http.get(f"/{repo.name}", headers=inside).status_code == 200
            assert probe(live_server.url, kind, repo.name, headers=inside).status_code == 200
        finally:
            whitelist(live_server, "default")
        assert [http.get(path).status_code for path in pages] == [200] * len(pages)
        assert probe(live_server.url, kind, repo.name).status_code == 200


def test_a_signed_in_session_honours_the_users_whitelist(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    raw = f"/{repo.name}/raw/tip/README.txt"
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert login(browser, user.username, user.password).status_code == 302
        assert browser.get(raw).status_code == 200
        whitelist(live_server, user.username, "10.0.0.1")
        assert browser.get(raw).status_code == 404  # no longer signed in from here
        assert browser.get(raw, headers={"X-Real-IP": "10.0.0.1"}).status_code == 200
