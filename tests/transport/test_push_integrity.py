"""Pushes over HTTP racing each other or cut off halfway, with the real git and hg clients."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.factories.api import seeded_repo
from tests.transport.clients import Clients, Credentials, hosted_path, journal_entries
from tests.transport.hosted_repos import both_kinds, hosted_tip, password_of, writer


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
