"""``?auth_token=`` / ``?api_key=`` on the raw views: whitelist, roles, expiry, IP whitelist.

The shared live server runs with the default whitelist (feeds only); a second server, started
for this module, whitelists the patch, raw-file and archive views with RhodeCode's syntax.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user
from tests.live_server import start_server
from tests.transport.clients import database
from tests.web.conftest import both_kinds, expire_token, make_repo, new_token, reader
from vcshub.auth.token_whitelist import token_allowed
from vcshub.db.models import UserIpAddress

WHITELIST = "ChangesetController:changeset_patch, FilesController:raw, RepoFilesView:repo_archive*"


# -- the matching rule itself --------------------------------------------------------------------
def test_whitelist_globs():
    raw = ("FilesController:raw", "RepoFilesView:repo_file_raw")
    assert token_allowed(["FilesController:raw"], raw, "t")
    assert token_allowed(["RepoFilesView:repo_file_*"], raw, "t")
    assert token_allowed([" FilesController:* "], raw, "t")
    assert token_allowed(["*"], raw, "t")
    assert not token_allowed(["FilesController:rawfile"], raw, "t")
    assert not token_allowed(["filescontroller:raw"], raw, "t")  # case matters, as in RhodeCode
    assert not token_allowed([], raw, "t")
    assert not token_allowed([""], raw, "t")
    # RhodeCode 4: an entry can be limited to one token
    assert token_allowed(["FilesController:raw@secret"], raw, "secret")
    assert not token_allowed(["FilesController:raw@secret"], raw, "other")


def urls(repo) -> dict[str, str]:
    return {
        "diff": f"/{repo.name}/changeset-diff/{repo.tip}",
        "raw-changeset": f"/{repo.name}/raw-changeset/{repo.tip}",
        "patch": f"/{repo.name}/changeset-patch/{repo.tip}",
        "raw": f"/{repo.name}/raw/{repo.tip}/README.txt",
        "rawfile": f"/{repo.name}/rawfile/{repo.tip}/README.txt",
        "archive": f"/{repo.name}/archive/{repo.tip}.tar.gz",
        "rss": f"/{repo.name}/feed/rss",
        "atom": f"/{repo.name}/feed/atom",
    }


def status(server_url: str, path: str, token: str | None, param: str = "auth_token", **kw) -> int:
    params = {param: token} if token else None
    with httpx.Client(base_url=server_url, timeout=60) as client:
        return client.get(path, params=params, **kw).status_code


# -- the default whitelist: feeds only -----------------------------------------------------------
@both_kinds
def test_default_whitelist_opens_only_feeds(live_server, admin_api, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False, private=True, enable_downloads=True)
    user = reader(admin_api, repo.name)
    for view, path in urls(repo).items():
        expected = 200 if view in ("rss", "atom") else 404  # elsewhere the token is ignored
        assert status(live_server.url, path, user.token) == expected, view
        assert status(live_server.url, path, user.token, "api_key") == expected, view
        assert status(live_server.url, path, None) == 404, view


@both_kinds
def test_ignored_token_leaves_the_request_anonymous(live_server, admin_api, kind):
    public = make_repo(live_server, admin_api, kind, rich=False, enable_downloads=True)
    for view, path in urls(public).items():
        # a token that would be refused everywhere does not matter where tokens are not looked at
        expected = 403 if view in ("rss", "atom") else 200
        assert status(live_server.url, path, "0" * 40) == expected, view


def test_feed_token_roles(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    feed = f"/{repo.name}/feed/atom"
    for role, expected in (("feed", 200), ("http", 200), ("all", 200), ("api", 403), ("vcs", 403)):
        assert status(live_server.url, feed, new_token(live_server, user.username, role)) == expected, role


def test_wrong_and_expired_tokens(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "hg", rich=False, private=True)
    user = reader(admin_api, repo.name)
    feed = f"/{repo.name}/feed/rss"
    token = new_token(live_server, user.username, "feed")
    assert status(live_server.url, feed, token) == 200
    expire_token(live_server, token)
    for wrong in (token, "f" * 40, "short", "x" * 300, "%00"):
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            response = client.get(feed, params={"auth_token": wrong})
        assert response.status_code == 403, wrong
        assert response.text == "Invalid or expired auth token\n"


def test_token_of_a_user_who_may_not_read(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    outsider = make_user(admin_api)
    assert status(live_server.url, f"/{repo.name}/feed/rss", outsider.token) == 404


def test_inactive_user_and_ip_whitelist(live_server, admin_api):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    user = reader(admin_api, repo.name)
    feed = f"/{repo.name}/feed/rss"
    with Session(database(live_server)) as db:
        db.add(UserIpAddress(user_id=user.user_id, ip_addr="10.1.2.0/24"))
        db.commit()
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        refused = client.get(feed, params={"auth_token": user.token})
        assert refused.status_code == 403 and "not allowed" in refused.text
        # the same address through a proxy that says the client is inside the network
        inside = client.get(feed, params={"auth_token": user.token}, headers={"X-Real-IP": "10.1.2.3"})
        assert inside.status_code == 200
        basic = client.get(feed, auth=(user.username, user.password))
        assert basic.status_code == 403
    other = reader(admin_api, repo.name)
    admin_api.result("update_user", userid=other.user_id, active=False)
    assert status(live_server.url, feed, other.token) == 403


# -- an administrator's own whitelist ----------------------------------------------------------
@pytest.fixture(scope="module")
def whitelisted(db_backend, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"whitelist-{db_backend}")
    with database_url(db_backend, "whitelist", data_dir) as url:
        server = start_server(data_dir, url, VCSHUB_API_ACCESS_CONTROLLERS_WHITELIST=WHITELIST)
        api = ApiClient(server.api_url, server.admin_token)
        try:
            yield server, api
        finally:
            api.close()
            server.stop()


@both_kinds
def test_whitelisted_views_accept_tokens(whitelisted, kind):
    server, api = whitelisted
    repo = make_repo(server, api, kind, rich=False, private=True, enable_downloads=True)
    user = reader(api, repo.name)
    opened = {"patch", "raw", "archive"}
    for view, path in urls(repo).items():
        expected = 200 if view in opened else 404  # feeds too: this whitelist leaves them out
        assert status(server.url, path, user.token) == expected, view
        assert status(server.url, path, user.token, "api_key") == expected, view
        # HTTP Basic and the session keep working on every view
        assert status(server.url, path, None, auth=(user.username, user.password)) == 200, view


def test_token_roles_on_whitelisted_views(whitelisted):
    server, api = whitelisted
    repo = make_repo(server, api, "git", rich=False, private=True)
    user = reader(api, repo.name)
    patch = f"/{repo.name}/changeset-patch/{repo.tip}"
    for role, expected in (("all", 200), ("http", 200), ("feed", 403), ("api", 403), ("vcs", 403)):
        assert status(server.url, patch, new_token(server, user.username, role)) == expected, role
    expired = new_token(server, user.username, "http")
    expire_token(server, expired)
    assert status(server.url, patch, expired) == 403


def test_token_content_matches_the_logged_in_view(whitelisted):
    server, api = whitelisted
    repo = make_repo(server, api, "hg", rich=False, private=True)
    user = reader(api, repo.name)
    path = f"/{repo.name}/raw/tip/README.txt"
    with httpx.Client(base_url=server.url, timeout=60) as client:
        by_token = client.get(path, params={"auth_token": user.token})
        by_password = client.get(path, auth=(user.username, user.password))
    assert by_token.status_code == 200
    assert by_token.content == by_password.content == b"Readme\nline 2\nline 3\n"
