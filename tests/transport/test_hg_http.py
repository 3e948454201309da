"""What only Mercurial clients do over HTTP: named branches, bookmarks, stream clones.

The scenarios shared with git (credentials, anonymous access, permissions, concurrency,
interrupted pushes) are in test_http_access.py and test_push_integrity.py, parametrised over both
clients; what only git does is in test_git_http.py.
"""

from __future__ import annotations

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import push_commits, seeded_repo
from tests.transport.clients import Clients, Credentials, journal_entries, probe


@pytest.fixture
def clients(live_server, tmp_path) -> Clients:
    return Clients(live_server.url, tmp_path)


@pytest.fixture
def hg_repo(live_server, admin_api):
    """A private hg repository with one commit, and a user who may write to it."""
    repo = unique("hgonly-")
    admin_api.result("create_repo", repo_name=repo, repo_type="hg", private=True)
    push_commits(live_server, repo, "hg", {"README": "seed\n"})
    user = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=repo, userid=user.user_id, perm="repository.write")
    return repo, user, Credentials(user.username, user.password)


def test_named_branch_and_bookmark_are_journaled(live_server, clients, hg_repo):
    repo, user, auth = hg_repo
    result, copy = clients.clone("hg", repo, auth)
    result.check()
    copy.hg("branch", "stable").check()
    on_stable = copy.commit("stable.txt", "stable\n", message="start stable")
    copy.hg("bookmark", "feature-x").check()
    copy.hg("push", "--new-branch", "-B", "feature-x", clients.url(repo, auth)).check()

    [entry] = journal_entries(live_server, repo)
    assert entry.username == user.username
    assert entry.commit_ids == [on_stable]
    moved = {m["ref"]: (m["old"], m["new"]) for m in entry.refs}
    assert moved == {"branch:stable": (None, on_stable), "book:feature-x": (None, on_stable)}


def test_bookmark_only_push(live_server, admin_api, clients, hg_repo):
    """Moving a bookmark sends no changeset (the ``pushkey`` command): still a push."""
    repo, user, auth = hg_repo
    result, copy = clients.clone("hg", repo, auth)
    result.check()
    tip = copy.tip()
    copy.hg("bookmark", "-r", tip, "release").check()

    reader = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=repo, userid=reader.user_id, perm="repository.read")
    reader_auth = Credentials(reader.username, reader.password)
    refused = copy.hg("push", "-B", "release", clients.url(repo, reader_auth))
    refused.refused(403)
    assert journal_entries(live_server, repo) == []

    pushed = copy.hg("push", "-B", "release", clients.url(repo, auth))
    assert "exporting bookmark release" in pushed.output  # (hg exits 1: no changesets)
    [entry] = journal_entries(live_server, repo)
    assert entry.refs == [{"ref": "book:release", "old": None, "new": tip}]
    assert entry.commit_ids == []
    listed = clients.hg("bookmarks", "-R", str(copy.path)).check().stdout
    assert "release" in listed


def test_stream_clone(live_server, clients, hg_repo):
    repo, _, auth = hg_repo
    target = clients.fresh_dir()
    result = clients.hg("clone", "--stream", clients.url(repo, auth), str(target)).check()
    assert "streaming all changes" in result.output
    assert (target / "README").read_text() == "seed\n"


def test_read_commands_need_only_read(live_server, admin_api, clients, hg_repo):
    repo, _, _ = hg_repo
    reader = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=repo, userid=reader.user_id, perm="repository.read")
    auth = Credentials(reader.username, reader.password)
    assert clients.hg("identify", clients.url(repo, auth)).check().stdout.strip()
    result, copy = clients.clone("hg", repo, auth)
    result.check()
    copy.commit("local.txt", "local\n")
    outgoing = copy.hg("outgoing", clients.url(repo, auth))
    assert outgoing.returncode == 0 and "local.txt" not in outgoing.stderr
    incoming = copy.hg("incoming", clients.url(repo, auth))
    assert incoming.returncode == 1  # nothing to pull: hg's "no changes" status
    # every write command is refused to him, whatever hg tries first
    assert probe(live_server.url, "hg", repo, "push", auth).status_code == 403
    with httpx.Client(timeout=30, auth=(reader.username, reader.password)) as http:
        pushkey = http.post(
            f"{live_server.url}/{repo}",
            params={"cmd": "pushkey"},
            headers={"X-HgArg-1": "key=x&namespace=bookmarks&new=00&old="},
        )
        assert pushkey.status_code == 403


def test_web_paths_are_not_hgweb(live_server, hg_repo):
    """Without ``?cmd=`` the path belongs to the web UI, never to hgweb's own pages."""
    repo, _, auth = hg_repo
    with httpx.Client(timeout=30, auth=(auth.username, auth.secret)) as http:
        # the summary page: ours (it shows the README as any repository's summary does)
        summary = http.get(f"{live_server.url}/{repo}")
        assert b'<header class="site">' in summary.content and b"hglogo" not in summary.content
        for path in (f"/{repo}/raw-file/tip/README", f"/{repo}/archive/tip.zip"):
            response = http.get(live_server.url + path)
            assert b"seed" not in response.content, path


def test_only_wire_protocol_commands_reach_hgweb(live_server, hg_repo):
    """hgweb's pages (shortlog, rawfile, archive...) are not served, even to readers."""
    repo, _, auth = hg_repo
    with httpx.Client(timeout=30, auth=(auth.username, auth.secret)) as http:
        for params in ({"cmd": "shortlog"}, {"cmd": "rawfile", "file": "README", "node": "tip"},
                       {"cmd": "archive", "node": "tip", "type": "zip"}, {"cmd": "file"}):
            response = http.get(f"{live_server.url}/{repo}", params=params)
            assert response.status_code == 403, params
            assert b"seed" not in response.content
        assert http.get(f"{live_server.url}/{repo}", params={"cmd": "capabilities"}).status_code == 200


def test_clones_stream_the_store_and_keep_phases(live_server, admin_api, clients):
    """server.preferuncompressed: a clone copies the store's files instead of a bundle built
    for it (the fastest clone on a local network), and what it gets is the same history with
    the same phases."""
    repo = seeded_repo(live_server, admin_api, "hg")
    result, copy = clients.clone("hg", repo)
    result.check()
    assert "streaming all changes" in result.output
    clients.hg("verify", "-R", str(copy.path)).check()
    phases = clients.hg("phase", "-R", str(copy.path), "-r", "all()").check().output
    assert phases.strip().endswith("public")
