"""The journal pages and feeds through the live server, with pushes made by the real git
client over HTTP: a private repository's push is in its owner's journal only, the public
journal shows public repositories, the feeds are XML and the private ones take a feed token."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.factories import make_user, unique
from tests.transport.clients import Clients, Credentials
from tests.web.conftest import login, new_token

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def clients(live_server, tmp_path) -> Clients:
    return Clients(live_server.url, tmp_path)


def push_as(clients: Clients, repo_name: str, user, *files: str) -> list[str]:
    """Clone over HTTP as ``user``, commit each file, push back with git; the new ids."""
    credentials = Credentials(user.username, user.password)
    cloned, work = clients.clone("git", repo_name, credentials)
    cloned.check()
    ids = [work.commit(name, f"{name}\n", message=f"add {name}") for name in files]
    work.push(credentials).check()
    return ids


def rss_titles(document: bytes) -> list[str]:
    return [item.findtext("title") for item in ET.fromstring(document).iter("item")]


def atom_titles(document: bytes) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(document).iter(f"{ATOM}entry")]


def test_a_private_push_is_in_the_owners_journal_and_nowhere_else(live_server, admin_api, clients):
    owner = make_user(admin_api)
    name = unique("journal-private-")
    admin_api.result("create_repo", repo_name=name, repo_type="git", owner=owner.username,
                     private=True)
    ids = push_as(clients, name, owner, "a.txt", "b.txt")

    with httpx.Client(base_url=live_server.url, timeout=120) as http:
        assert http.get("/_admin/journal").status_code == 303  # sign in first
        public = http.get("/_admin/public_journal")
        assert public.status_code == 200 and name not in public.text
        login(http, owner.username, owner.password)
        mine = http.get("/_admin/journal").text
        assert f'data-repo="{name}"' in mine and "pushed 2 commits to branch master" in mine
        assert all(f'href="/{name}/changeset/{commit}"' in mine for commit in ids)

    other = make_user(admin_api)
    with httpx.Client(base_url=live_server.url, timeout=120) as http:
        login(http, other.username, other.password)
        assert name not in http.get("/_admin/journal").text
        assert name not in http.get("/_admin/public_journal").text

    with httpx.Client(base_url=live_server.url, timeout=120) as http:  # feeds, no session
        token = new_token(live_server, owner.username, role="feed")
        rss = http.get("/_admin/journal/rss", params={"auth_token": token})
        assert rss.status_code == 200 and rss.headers["content-type"].startswith("application/rss+xml")
        assert any(name in title for title in rss_titles(rss.content))
        atom = http.get("/_admin/journal/atom", params={"auth_token": token})
        assert any(name in title for title in atom_titles(atom.content))
        assert http.get("/_admin/journal/rss").status_code == 303
        assert http.get("/_admin/journal/rss", params={"auth_token": "nonsense"}).status_code == 403
        others = http.get("/_admin/journal/rss",
                          params={"auth_token": new_token(live_server, other.username, "feed")})
        assert not any(name in title for title in rss_titles(others.content))
        for path in ("/_admin/public_journal/rss", "/_admin/public_journal_rss"):
            assert not any(name in t for t in rss_titles(http.get(path).content))
        for path in ("/_admin/public_journal/atom", "/_admin/public_journal_atom"):
            assert not any(name in t for t in atom_titles(http.get(path).content))


def test_the_public_journal_and_its_feeds_show_a_public_push(live_server, admin_api, clients):
    pusher = make_user(admin_api)
    name = unique("journal-public-")
    admin_api.result("create_repo", repo_name=name, repo_type="git", owner=pusher.username)
    push_as(clients, name, pusher, "p.txt")
    with httpx.Client(base_url=live_server.url, timeout=120) as http:
        page = http.get("/_admin/public_journal")
        assert page.status_code == 200 and f'data-repo="{name}"' in page.text
        assert 'type="application/atom+xml"' in page.text
        assert any(name in t for t in rss_titles(http.get("/_admin/public_journal/rss").content))
        feed = ET.fromstring(http.get("/_admin/public_journal/atom").content)
        assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}title") == "Public journal"
        assert "No entries" in http.get("/_admin/public_journal?page=999").text
