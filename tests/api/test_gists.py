"""Gist methods (REFERENCE.md 4.8) against the live server, stored as real repositories."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from tests.factories import make_user
from vcshub.services.gists import MAX_LIFETIME_MINUTES as MAX_LIFETIME

FILES = {
    "hello.py": {"content": "print('héllo')\n", "lexer": "python"},
    "naïve notes.txt": {"content": "line\x01with odd bytes\n", "lexer": None},
}


def test_create_and_read_gist_with_several_files(admin_api, live_server):
    user = make_user(admin_api)
    created = user.api.result("create_gist", files=FILES, description="two files")
    assert created["msg"] == "created new gist"
    gist = created["gist"]
    assert set(gist) == {
        "gist_id", "access_id", "type", "description", "url", "expires", "created_on",
        "modified_at", "content", "acl_level",
    }
    assert gist["type"] == "public" and gist["access_id"] == str(gist["gist_id"])
    assert gist["expires"] == -1 and gist["content"] is None and gist["acl_level"] == "acl_public"
    assert gist["url"].endswith(f"/_admin/gists/{gist['access_id']}")

    read = user.api.result("get_gist", gistid=gist["access_id"], content=True)
    assert read["content"] == {name: spec["content"] for name, spec in FILES.items()}
    assert user.api.result("get_gist", gistid=gist["access_id"])["content"] is None

    # A real Mercurial repository with one commit by the owner.
    store = live_server.data_dir / "repos" / ".rc_gist_store" / gist["access_id"]
    log = subprocess.run(
        ["hg", "log", "-R", str(store), "--template", "{desc}|{author}"],
        capture_output=True, text=True, check=True, env={**live_server.env, "HGPLAIN": "1"},
    ).stdout
    assert log.startswith("added files: hello.py, naïve notes.txt|")
    assert user.username in log or "@example.com" in log


def test_private_gist_has_unguessable_access_id(admin_api):
    user = make_user(admin_api)
    gist = user.api.result(
        "create_gist", files={"a.txt": {"content": "x"}}, gist_type="private", lifetime="10"
    )["gist"]
    assert gist["type"] == "private"
    assert len(gist["access_id"]) == 20 and gist["access_id"] != str(gist["gist_id"])
    assert gist["expires"] > 0
    # The numeric id does not open a private gist.
    assert user.api.error("get_gist", gistid=gist["gist_id"]) == f"gist `{gist['gist_id']}` does not exist"


def test_only_owner_or_admin_reads_and_deletes(admin_api):
    owner, other = make_user(admin_api), make_user(admin_api)
    gist = owner.api.result("create_gist", files={"a.txt": {"content": "x"}})["gist"]
    gid = gist["access_id"]
    assert other.api.error("get_gist", gistid=gid) == f"gist `{gid}` does not exist"
    assert other.api.error("delete_gist", gistid=gid) == f"gist `{gid}` does not exist"
    assert admin_api.result("get_gist", gistid=gid)["gist_id"] == gist["gist_id"]
    assert owner.api.result("delete_gist", gistid=gid) == {
        "msg": f"deleted gist ID:{gid}", "gist": None,
    }
    assert owner.api.error("get_gist", gistid=gid) == f"gist `{gid}` does not exist"


def test_get_gists_self_and_admin(admin_api):
    owner, other = make_user(admin_api), make_user(admin_api)
    first = owner.api.result("create_gist", files={"a": {"content": "1"}})["gist"]
    second = owner.api.result("create_gist", files={"b": {"content": "2"}}, gist_type="private")["gist"]
    listed = owner.api.result("get_gists")
    assert [g["gist_id"] for g in listed] == [second["gist_id"], first["gist_id"]]
    assert admin_api.result("get_gists", userid=owner.username) == listed
    assert other.api.error("get_gists", userid=owner.username) == "userid is not the same as your user"
    assert other.api.result("get_gists") == []


def test_owner_argument(admin_api):
    owner, other = make_user(admin_api), make_user(admin_api)
    assert other.api.error(
        "create_gist", files={"a": {"content": "1"}}, owner=owner.username
    ) == "Only RhodeCode admin can specify `owner` param"
    created = admin_api.result("create_gist", files={"a": {"content": "1"}}, owner=owner.username)
    assert owner.api.result("get_gist", gistid=created["gist"]["access_id"])


@pytest.mark.parametrize(
    "files",
    [
        {},
        None,
        {"dir/a.txt": {"content": "x"}},
        {"..": {"content": "x"}},
        {"": {"content": "x"}},
        {"a.txt": {"content": ""}},
        {"a.txt": {"content": "x", "lexer": "no-such-lexer"}},
        {"a.txt": "just text"},
        # a new line in a name would corrupt the gist's Mercurial manifest (issue 14, defect 12)
        {"a\nb.txt": {"content": "x"}},
        {"a\rb.txt": {"content": "x"}},
        {"ok.txt": {"content": "x"}, "tab\tname": {"content": "y"}},
        {"nul\x00.txt": {"content": "x"}},
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(admin_api, live_server, files):
    user = make_user(admin_api)
    store = live_server.data_dir / "repos" / ".rc_gist_store"
    before = set(store.iterdir()) if store.exists() else set()
    assert user.api.error("create_gist", files=files) == "failed to create gist"
    assert user.api.result("get_gists") == []
    assert (set(store.iterdir()) if store.exists() else set()) == before


@pytest.mark.parametrize("lifetime", [0, -2, -100, MAX_LIFETIME + 1, 2**63, "99999999999999999999"])
def test_bad_lifetime_refused(admin_api, lifetime):
    user = make_user(admin_api)
    assert user.api.error("create_gist", files={"a": {"content": "x"}}, lifetime=lifetime) == (
        "failed to create gist"
    )


@pytest.mark.parametrize("lifetime", [None, 1.5, "soon", [5], {"m": 5}])
def test_lifetime_that_is_not_an_integer_means_forever(admin_api, lifetime):
    """REFERENCE.md 1.7: a non-integer lifetime is -1; null is no integer either (defect 17)."""
    user = make_user(admin_api)
    gist = user.api.result("create_gist", files={"a": {"content": "x"}}, lifetime=lifetime)["gist"]
    assert gist["expires"] == -1


def test_longest_lifetime_is_shown_on_the_gist_page(admin_api):
    """A century is accepted, and its page shows the date (a larger one answered HTTP 500)."""
    gist = admin_api.result("create_gist", files={"a.txt": {"content": "x"}},
                            lifetime=MAX_LIFETIME)["gist"]
    assert gist["expires"] > time.time() + (MAX_LIFETIME - 1) * 60
    page = httpx.get(gist["url"], timeout=60)
    assert page.status_code == 200
    assert "expires " in page.text
