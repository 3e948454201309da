"""Clone, pull and push over HTTP with the real clients, against the live server.

Scenarios that apply to both clients are parametrised over ``kind`` (git, hg) here; what only
git has (dumb HTTP, gzip request bodies, protocol v2) follows at the end, and what only
Mercurial has lives in test_hg_http.py.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.factories import make_user, unique
from tests.repo_content import push_commits
from tests.transport.clients import (
    Clients,
    Credentials,
    database,
    hosted_path,
    journal_entries,
    probe,
)
from vcshub.db.models import UserIpAddress

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


@pytest.fixture
def clients(live_server, tmp_path) -> Clients:
    return Clients(live_server.url, tmp_path)


def new_repo(admin_api, kind: str, name: str | None = None, **fields) -> str:
    name = name or unique(f"tr-{kind}-")
    admin_api.result("create_repo", repo_name=name, repo_type=kind, **fields)
    return name


def seeded_repo(live_server, admin_api, kind: str, name: str | None = None, **fields) -> str:
    """A repository with one commit, written straight into the storage (not over HTTP)."""
    name = new_repo(admin_api, kind, name, **fields)
    push_commits(live_server, name, kind, {"README": "seed\n"})
    return name


def writer(admin_api, repo_name: str, perm: str = "repository.write", **fields):
    user = make_user(admin_api, **fields)
    admin_api.result("grant_user_permission", repoid=repo_name, userid=user.user_id, perm=perm)
    return user


def password_of(user) -> Credentials:
    return Credentials(user.username, user.password)


def assert_prompted(response: httpx.Response) -> None:
    """401 with a Basic challenge: what makes git and hg ask for credentials."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].lower().startswith("basic")


# -- clone, pull, push with each kind of credentials --------------------------------------------
@both_kinds
@pytest.mark.parametrize("secret_kind", ["password", "main-token", "vcs-token", "all-token"])
def test_clone_pull_push(live_server, admin_api, clients, kind, secret_kind):
    repo = seeded_repo(live_server, admin_api, kind)
    user = writer(admin_api, repo)
    credentials = _credentials(live_server, user, secret_kind)

    result, first = clients.clone(kind, repo, credentials)
    result.check()
    assert (first.path / "README").read_text() == "seed\n"
    new_id = first.commit("pushed.txt", "over http\n", message="pushed over http")
    first.push(credentials).check()

    repo_info = admin_api.result("get_repo", repoid=repo)
    assert repo_info["last_changeset"]["raw_id"] == new_id
    entries = journal_entries(live_server, repo)
    assert len(entries) == 1
    assert entries[0].username == user.username
    assert entries[0].action == "push"
    assert entries[0].commit_ids == [new_id]

    result, second = clients.clone(kind, repo, credentials)
    result.check()
    third_id = second.commit("again.txt", "again\n")
    second.push(credentials).check()
    first.pull(credentials).check()
    assert first.tip() == third_id


def _credentials(live_server, user, secret_kind: str) -> Credentials:
    if secret_kind == "password":
        return password_of(user)
    if secret_kind == "main-token":
        return Credentials(user.username, user.token)
    role = secret_kind.split("-")[0]
    token = live_server.cli("token", "create", user.username, "--role", role).stdout.strip()
    return Credentials(user.username, token)


@both_kinds
def test_feed_token_is_refused(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    feed = live_server.cli("token", "create", user.username, "--role", "feed").stdout.strip()
    credentials = Credentials(user.username, feed)

    assert_prompted(probe(live_server.url, kind, repo, "pull", credentials))
    clients.clone(kind, repo, credentials)[0].refused()


@both_kinds
def test_token_with_empty_username(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    assert probe(live_server.url, kind, repo, "pull", Credentials("", user.token)).status_code == 200
    # a token presented with somebody else's name is just a wrong password
    other = make_user(admin_api)
    assert_prompted(probe(live_server.url, kind, repo, "pull", Credentials(other.username, user.token)))


@both_kinds
def test_wrong_password_is_401(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    wrong = Credentials(user.username, "not-" + user.password)

    assert_prompted(probe(live_server.url, kind, repo, "pull", wrong))
    assert_prompted(probe(live_server.url, kind, repo, "pull", Credentials("nobody-" + user.username, "x")))
    result = clients.clone(kind, repo, wrong)[0].refused()
    assert "401" in result.output or "authorization failed" in result.output


@both_kinds
def test_inactive_user_is_refused(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    admin_api.result("update_user", userid=user.user_id, active=False)

    for secret in (user.password, user.token):
        assert_prompted(probe(live_server.url, kind, repo, "pull", Credentials(user.username, secret)))
    clients.clone(kind, repo, password_of(user))[0].refused()


# -- anonymous access, hidden repositories ------------------------------------------------------
@both_kinds
def test_anonymous_clone_of_public_repository(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind)
    result, copy = clients.clone(kind, repo)
    result.check()
    assert (copy.path / "README").read_text() == "seed\n"

    # pushing needs credentials: the client is asked for them (and cannot answer)
    assert_prompted(probe(live_server.url, kind, repo, "push"))
    copy.commit("anon.txt", "anonymous\n")
    copy.push().refused()
    assert journal_entries(live_server, repo) == []


@both_kinds
def test_anonymous_gets_401_for_private_and_unknown(live_server, admin_api, clients, kind):
    private = seeded_repo(live_server, admin_api, kind, private=True)
    unknown = unique("no-such-repo-")
    for repo in (private, unknown, f"{private}/nested/deeper"):
        for action in ("pull", "push"):
            assert_prompted(probe(live_server.url, kind, repo, action))
    for repo in (private, unknown):
        result = clients.clone(kind, repo)[0].refused()
        assert "terminal prompts disabled" in result.output or "authorization" in result.output


@both_kinds
def test_authenticated_without_read_gets_404(live_server, admin_api, clients, kind):
    private = seeded_repo(live_server, admin_api, kind, private=True)
    user = make_user(admin_api)
    credentials = password_of(user)
    unknown = unique("no-such-repo-")
    for repo in (private, unknown):
        for action in ("pull", "push"):
            response = probe(live_server.url, kind, repo, action, credentials)
            assert response.status_code == 404, (repo, action, response.text)
            assert "www-authenticate" not in response.headers
    # the refusal text is the same whether the repository exists or not
    texts = {probe(live_server.url, kind, r, "pull", credentials).text.replace(r, "<r>") for r in (private, unknown)}
    assert len(texts) == 1
    clients.clone(kind, private, credentials)[0].refused()

    # explicit repository.none on a public repository hides it the same way
    public = seeded_repo(live_server, admin_api, kind)
    admin_api.result("grant_user_permission", repoid=public, userid=user.user_id, perm="repository.none")
    assert probe(live_server.url, kind, public, "pull", credentials).status_code == 404


@both_kinds
def test_read_only_user_cannot_push(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    reader = writer(admin_api, repo, perm="repository.read")
    credentials = password_of(reader)
    result, copy = clients.clone(kind, repo, credentials)
    result.check()
    before = copy.tip()

    assert probe(live_server.url, kind, repo, "push", credentials).status_code == 403
    refused_id = copy.commit("nope.txt", "not allowed\n")
    copy.push(credentials).refused()
    assert hosted_tip(clients, kind, hosted_path(live_server, repo)) == before
    assert admin_api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] != refused_id
    assert journal_entries(live_server, repo) == []


@both_kinds
def test_push_to_repository_in_nested_groups(live_server, admin_api, clients, kind):
    group_path = f"{unique('outer-')}/{unique('middle-')}/{unique('inner-')}"
    repo = seeded_repo(live_server, admin_api, kind, name=f"{group_path}/{unique('nested-')}")
    user = writer(admin_api, repo)
    credentials = password_of(user)

    result, copy = clients.clone(kind, repo, credentials)
    result.check()
    new_id = copy.commit("deep.txt", "deep\n")
    copy.push(credentials).check()
    assert admin_api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] == new_id
    assert [e.commit_ids for e in journal_entries(live_server, repo)] == [[new_id]]
    if kind == "git":
        # git clients commonly add ".git"; the same repository answers
        clients.clone(kind, repo + ".git", credentials)[0].check()


# -- IP whitelist ---------------------------------------------------------------------------------
@both_kinds
def test_ip_whitelist(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    credentials = password_of(user)
    with Session(database(live_server)) as session:
        session.execute(
            insert(UserIpAddress),
            [{"user_id": user.user_id, "ip_addr": "10.20.0.0/16", "description": "office"},
             {"user_id": user.user_id, "ip_addr": "2001:db8::1", "description": "home"}],
        )
        session.commit()

    def status(**headers: str) -> int:
        return probe(live_server.url, kind, repo, "pull", credentials, headers=headers).status_code

    assert status(**{"X-Real-IP": "10.20.3.4"}) == 200
    assert status(**{"X-Forwarded-For": "10.20.9.9, 192.0.2.1"}) == 200
    assert status(**{"X-Real-IP": "2001:db8::1"}) == 200
    assert status(**{"X-Real-IP": "10.21.0.1"}) == 401
    assert status(**{"X-Forwarded-For": "192.0.2.1, 10.20.9.9"}) == 401
    # X-Real-IP wins over X-Forwarded-For
    assert status(**{"X-Real-IP": "192.0.2.7", "X-Forwarded-For": "10.20.1.1"}) == 401
    assert status() == 401  # the test client itself, 127.0.0.1, is not listed
    clients.clone(kind, repo, credentials)[0].refused()


# -- concurrency and interrupted pushes -------------------------------------------------------
@both_kinds
def test_two_users_push_the_same_branch_concurrently(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind)
    users = [writer(admin_api, repo) for _ in range(2)]
    copies = []
    for n, user in enumerate(users):
        result, copy = clients.clone(kind, repo, password_of(user))
        result.check()
        copy.commit(f"user{n}.txt", f"from user {n}\n" * 1000)
        copies.append(copy)

    start = threading.Barrier(2)
    results: list = [None, None]

    def push(n: int) -> None:
        start.wait()
        results[n] = copies[n].push(password_of(users[n]))

    run_together(push, 2)

    winners = [n for n in range(2) if results[n].ok]
    assert len(winners) == 1, [r.output for r in results]
    loser = results[1 - winners[0]]
    assert _clean_rejection(kind, loser.output), loser.output
    winner_id = copies[winners[0]].tip()
    assert admin_api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] == winner_id
    assert [e.username for e in journal_entries(live_server, repo)] == [users[winners[0]].username]
    _assert_repository_valid(clients, kind, hosted_path(live_server, repo))


@both_kinds
def test_concurrent_pushes_to_different_branches_are_journaled_apart(
    live_server, admin_api, clients, kind
):
    repo = seeded_repo(live_server, admin_api, kind)
    users = [writer(admin_api, repo) for _ in range(2)]
    copies, ids = [], []
    for n, user in enumerate(users):
        result, copy = clients.clone(kind, repo, password_of(user))
        result.check()
        if kind == "hg":
            copy.hg("branch", f"topic{n}").check()
        ids.append(copy.commit(f"user{n}.txt", f"from user {n}\n"))
        copies.append(copy)

    start = threading.Barrier(2)
    results: list = [None, None]

    def push(n: int) -> None:
        start.wait()
        results[n] = copies[n].push(password_of(users[n]), branch=f"topic{n}")

    run_together(push, 2)
    for result in results:
        result.check()
    entries = {e.username: e for e in journal_entries(live_server, repo)}
    assert set(entries) == {u.username for u in users}
    for n, user in enumerate(users):
        entry = entries[user.username]
        assert [m["ref"] for m in entry.refs] == [f"branch:topic{n}"]
        assert entry.commit_ids == [ids[n]]
    _assert_repository_valid(clients, kind, hosted_path(live_server, repo))


def run_together(target, count: int) -> None:
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _clean_rejection(kind: str, output: str) -> bool:
    if kind == "git":
        markers = ("non-fast-forward", "fetch first", "failed to update ref", "failed to lock")
    else:
        markers = ("creates new remote head", "repository changed while pushing")
    return any(marker in output for marker in markers)


def hosted_tip(clients: Clients, kind: str, folder) -> str:
    """The newest commit of the hosted repository, read from its folder."""
    if kind == "git":
        return clients.git("--git-dir", str(folder), "rev-parse", "HEAD").check().stdout.strip()
    return clients.hg("log", "-R", str(folder), "-r", "tip", "--template", "{node}").check().stdout.strip()


def _assert_repository_valid(clients: Clients, kind: str, folder) -> None:
    if kind == "git":
        result = clients.git("--git-dir", str(folder), "fsck", "--full", "--strict").check()
        assert "error" not in result.output.lower()
    else:
        clients.hg("verify", "-R", str(folder)).check()



# -- interrupted pushes --------------------------------------------------------------------------
@both_kinds
def test_push_cut_off_halfway_leaves_no_trace(live_server, admin_api, clients, kind, tmp_path):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    credentials = password_of(user)
    result, copy = clients.clone(kind, repo, credentials)
    result.check()
    before = copy.tip()
    copy.commit("big.bin", os.urandom(4 * 1024 * 1024), message="too big to finish")

    request = half_push_request(clients, copy, before, tmp_path / "payload")
    folder = hosted_path(live_server, repo)
    send_and_hang_up(live_server.url, repo, credentials, request, while_connected=lambda: (
        # git is busy with the pack when the client goes
        wait_for(lambda: list((folder / "objects").glob("tmp_objdir-incoming-*")))
        if kind == "git" else time.sleep(0.5)
    ))

    wait_until_idle(kind, folder)
    assert hosted_tip(clients, kind, folder) == before
    _assert_repository_valid(clients, kind, folder)
    assert journal_entries(live_server, repo) == []
    if kind == "git":
        # the quarantined objects of the cut push are gone with it
        assert not list((folder / "objects").glob("tmp_objdir-incoming-*"))

    # and the next, complete push goes through
    copy.push(credentials).check()
    assert [len(e.commit_ids) for e in journal_entries(live_server, repo)] == [1]
    _assert_repository_valid(clients, kind, folder)


@dataclass
class RawPush:
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


def half_push_request(clients: Clients, copy, old: str, payload) -> RawPush:
    """The request a client sends to push ``copy``'s new commit (git: commands + pack, hg: bundle)."""
    if copy.kind == "git":
        new = copy.tip()
        pack = subprocess.run(
            ["git", "pack-objects", "--stdout", "--revs", "--quiet"],
            input=f"{new}\n^{old}\n".encode(), cwd=copy.path, capture_output=True, check=True,
        ).stdout
        command = f"{old} {new} refs/heads/master\0 report-status side-band-64k agent=test\n".encode()
        body = b"%04x" % (len(command) + 4) + command + b"0000" + pack
        return RawPush(
            "git-receive-pack", "", {"Content-Type": "application/x-git-receive-pack-request"}, body
        )
    copy.hg("bundle", "--base", old, "-r", "tip", "--type", "none-v2", str(payload)).check()
    return RawPush(
        "",
        "cmd=unbundle",
        {"Content-Type": "application/mercurial-0.1", "X-HgArg-1": "heads=666f726365"},
        payload.read_bytes(),
    )


def send_and_hang_up(
    server_url: str, repo: str, credentials: Credentials, request: RawPush, while_connected
) -> None:
    """Announce the whole body, send half of it, close the connection."""
    parts = urlsplit(server_url)
    path = f"/{repo}/{request.path}" if request.path else f"/{repo}"
    if request.query:
        path += "?" + request.query
    token = base64.b64encode(f"{credentials.username}:{credentials.secret}".encode()).decode()
    head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", f"Authorization: Basic {token}",
            f"Content-Length: {len(request.body)}"]
    head += [f"{k}: {v}" for k, v in request.headers.items()]
    half = len(request.body) // 2
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        conn.sendall(request.body[:half])
        while_connected()


def wait_for(condition, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return found


def wait_until_idle(kind: str, folder, timeout: float = 30) -> None:
    """Wait until the server no longer works on the repository (no git quarantine, no hg lock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if kind == "git":
            busy = list((folder / "objects").glob("tmp_objdir-incoming-*"))
        else:
            busy = [p for p in (folder / ".hg" / "store" / "lock", folder / ".hg" / "wlock") if p.exists()]
        if not busy:
            time.sleep(0.3)  # the journal step runs right after
            return
        time.sleep(0.1)
    raise AssertionError(f"server still busy with {folder}: {busy}")


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


@both_kinds
def test_wrong_kind_of_client_finds_nothing(live_server, admin_api, clients, kind):
    """A git client asking for an hg repository (or the reverse) is told it does not exist."""
    other = "hg" if kind == "git" else "git"
    repo = seeded_repo(live_server, admin_api, other, private=True)
    user = writer(admin_api, repo)
    assert probe(live_server.url, kind, repo, "pull", password_of(user)).status_code == 404
    clients.clone(kind, repo, password_of(user))[0].refused()
