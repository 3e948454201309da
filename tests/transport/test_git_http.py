"""What only git clients do over HTTP: dumb HTTP refused, gzip request bodies, protocol v2.

The scenarios shared with Mercurial are in test_http_access.py and test_push_integrity.py,
parametrised over both clients; what only Mercurial does is in test_hg_http.py.
"""

from __future__ import annotations

import gzip
import re

import httpx

from tests.factories import unique
from tests.transport.clients import hosted_path, journal_entries
from tests.factories.api import seeded_repo
from tests.transport.hosted_repos import password_of, writer


# -- git only: the smart protocol in detail ------------------------------------------------------
def test_dumb_http_is_refused(live_server, admin_api):
    repo = seeded_repo(live_server, admin_api, "git")
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        response = http.get(f"/{repo}/info/refs")
        assert response.status_code == 403
        assert "dumb" in response.text
        for path in ("HEAD", "objects/info/packs", "refs/heads/master"):
            assert http.get(f"/{repo}/{path}").status_code in (403, 404), path
        # the same answer whether the repository exists or not
        assert http.get(f"/{unique('ghost-')}/info/refs").status_code == 403
        # the services need POST
        assert http.get(f"/{repo}/git-upload-pack").status_code in (403, 405)


def test_gzip_request_body(live_server, admin_api):
    repo = seeded_repo(live_server, admin_api, "git")
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        refs = http.get(f"/{repo}/info/refs", params={"service": "git-upload-pack"})
        assert refs.status_code == 200
        head = _first_advertised_oid(refs.content)
        want = f"want {head} multi_ack_detailed side-band-64k ofs-delta no-progress\n"
        plain = _pkt(want) + b"0000" + _pkt("done\n")
        for body, headers in (
            (plain, {}),
            (gzip.compress(plain), {"Content-Encoding": "gzip"}),
            (gzip.compress(plain), {"Content-Encoding": "x-gzip"}),
        ):
            response = http.post(
                f"/{repo}/git-upload-pack",
                content=body,
                headers={"Content-Type": "application/x-git-upload-pack-request", **headers},
            )
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/x-git-upload-pack-result"
            assert b"NAK" in response.content[:16]
            assert b"PACK" in response.content, headers


def test_real_client_sends_gzip_for_large_negotiation(live_server, admin_api, clients):
    """git compresses upload-pack requests over 1 KiB: many refs to want make one."""
    repo = seeded_repo(live_server, admin_api, "git")
    folder = hosted_path(live_server, repo)
    for n in range(40):
        clients.git("--git-dir", str(folder), "branch", f"feature/branch-number-{n:03d}", "master").check()
    for n in range(40):
        commit = clients.git(
            "--git-dir", str(folder), "commit-tree", "-m", f"side {n}", "-p", "master", "master^{tree}"
        ).check().stdout.strip()
        clients.git("--git-dir", str(folder), "update-ref", f"refs/heads/feature/branch-number-{n:03d}", commit).check()

    target = clients.fresh_dir()
    result = clients.git("clone", "--mirror", clients.url(repo), str(target), GIT_TRACE_CURL="1").check()
    assert re.search(r"Content-Encoding: gzip", result.stderr, re.IGNORECASE), result.stderr[-3000:]
    listed = clients.git("--git-dir", str(target), "for-each-ref", "refs/heads/feature").check()
    assert len(listed.stdout.splitlines()) == 40


def test_protocol_v2(live_server, admin_api, clients):
    repo = seeded_repo(live_server, admin_api, "git")
    user = writer(admin_api, repo)
    credentials = password_of(user)

    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        v2 = http.get(f"/{repo}/info/refs", params={"service": "git-upload-pack"},
                      headers={"Git-Protocol": "version=2"})
        assert v2.status_code == 200
        assert v2.content.startswith(_pkt("version 2\n")), v2.content[:80]
        assert b"ls-refs" in v2.content and b"fetch=" in v2.content
        v0 = http.get(f"/{repo}/info/refs", params={"service": "git-upload-pack"})
        assert v0.content.startswith(_pkt("# service=git-upload-pack\n") + b"0000")
        assert b"version 2" not in v0.content
        # a v2 command over POST
        listing = http.post(
            f"/{repo}/git-upload-pack",
            content=_pkt("command=ls-refs\n") + b"0001" + _pkt("peel\n") + b"0000",
            headers={"Git-Protocol": "version=2", "Content-Type": "application/x-git-upload-pack-request"},
        )
        assert listing.status_code == 200
        assert b"refs/heads/master" in listing.content

    trace = {"GIT_TRACE_PACKET": "1"}
    ls = clients.git("-c", "protocol.version=2", "ls-remote", clients.url(repo, credentials), **trace).check()
    assert "refs/heads/master" in ls.stdout
    assert "version 2" in ls.stderr
    result, copy = clients.clone("git", repo, credentials, "-c", "protocol.version=2")
    result.check()
    copy.commit("v2.txt", "over protocol v2\n")
    copy.git("-c", "protocol.version=2", "push", clients.url(repo, credentials), "HEAD:refs/heads/master").check()
    copy.git("-c", "protocol.version=2", "pull", "--ff-only", clients.url(repo, credentials), "master", **trace).check()
    assert len(journal_entries(live_server, repo)) == 1


def _pkt(text: str) -> bytes:
    data = text.encode()
    return b"%04x" % (len(data) + 4) + data


def _first_advertised_oid(advertisement: bytes) -> str:
    match = re.search(rb"[0-9a-f]{4}([0-9a-f]{40}) (HEAD|refs/)", advertisement[30:])
    assert match, advertisement[:200]
    return match[1].decode()
