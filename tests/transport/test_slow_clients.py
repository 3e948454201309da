"""Clients that announce a request and never finish it hold nothing for long (issue 14.7).

Before: 17 connections that sent hg POST headers with a Content-Length and no body took all 16
hgweb threads, forever, and every hg clone hung. Now a request reaches an hgweb thread only
with its body, and the server closes a connection whose client stays silent for
``request_timeout`` seconds (set to 2 here) while it waits for a request head or body.
"""

from __future__ import annotations

import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import unique
from tests.live_server import start_server
from tests.factories.api import push_commits
from tests.transport.clients import Clients

REQUEST_TIMEOUT = 2
STUCK_BODIES = 20  # more than the 16 hgweb threads
# Every wait below is bounded, so that a server that regressed fails the test instead of
# hanging it; none of them is a measurement.
CLOSE_WAIT = 60


@pytest.fixture(scope="module")
def strict_server(db_backend, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"strict-{db_backend}")
    with database_url(db_backend, "strict", data_dir) as url:
        server = start_server(data_dir, url, VCSHUB_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT))
        try:
            yield server
        finally:
            server.stop()


def _connect(server_url: str) -> socket.socket:
    parts = urlsplit(server_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.settimeout(CLOSE_WAIT)
    return sock


def _announce(server_url: str, target: str, extra: str = "") -> socket.socket:
    """A request head that promises a body, and no body."""
    sock = _connect(server_url)
    sock.sendall(
        f"POST {target} HTTP/1.1\r\nHost: vcshub\r\nContent-Type: application/mercurial-0.1\r\n"
        f"Content-Length: 100000\r\n{extra}\r\n".encode()
    )
    return sock


def _half_head(server_url: str, text: bytes) -> socket.socket:
    sock = _connect(server_url)
    sock.sendall(text)
    return sock


def _ended_by_server(sock: socket.socket, deadline: float | None = None) -> bytes:
    """Read until the server closes the connection, at the latest by ``deadline``."""
    received = b""
    try:
        if deadline is not None:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        raise AssertionError(f"the server kept a stuck request open: {received[:200]!r}") from None
    finally:
        sock.close()
    return received


def test_stuck_requests_starve_nobody_and_are_closed(strict_server, tmp_path):
    api = ApiClient(strict_server.api_url, strict_server.admin_token)
    repo = unique("slow-hg-")
    api.result("create_repo", repo_name=repo, repo_type="hg")
    push_commits(strict_server, repo, "hg", {"README": "one\n"})
    url = strict_server.url
    stuck = [_announce(url, f"/{repo}?cmd=capabilities") for _ in range(STUCK_BODIES)]
    # hgweb reads a body for these (arguments sent in the body)
    stuck += [
        _announce(url, f"/{repo}?cmd=known", "X-HgArgs-Post: 100000\r\n") for _ in range(4)
    ]
    stuck += [_half_head(url, b"GET /" + repo.encode()) for _ in range(3)]
    stuck += [_half_head(url, b"POST /_admin/api HTTP/1.1\r\nHost: vcshub\r\n") for _ in range(3)]
    stuck.append(_announce(url, "/_admin/api", "Content-Type: application/json\r\n"))
    try:
        clients = Clients(url, tmp_path)
        target = tmp_path / "copy"
        try:  # Clients.run waits at most 120 s
            clients.hg("clone", clients.url(repo), str(target)).check()
        except subprocess.TimeoutExpired:
            raise AssertionError("hg clone hung behind the stuck requests") from None
        assert (target / "README").read_text() == "one\n"
    finally:
        deadline = time.monotonic() + CLOSE_WAIT
        try:
            answers = [_ended_by_server(sock, deadline) for sock in stuck]
        finally:
            for sock in stuck:
                sock.close()
    # closed without a response, or answered with an error status: never a success
    for answer in answers:
        assert answer == b"" or answer.split(b" ", 2)[1][:1] in (b"4", b"5"), answer[:200]
    api.close()


def test_a_slow_body_still_arrives(strict_server):
    """Pauses shorter than request_timeout are fine: the clock runs only on silence."""
    api = ApiClient(strict_server.api_url, strict_server.admin_token)
    body = b'{"id": 1, "method": "get_ip", "args": {}, "auth_token": "%s"}' % (
        strict_server.admin_token.encode()
    )
    sock = _connect(strict_server.url)
    sock.sendall(
        b"POST /_admin/api HTTP/1.1\r\nHost: vcshub\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    for i in range(0, len(body), len(body) // 4 + 1):
        sock.sendall(body[i : i + len(body) // 4 + 1])
        time.sleep(REQUEST_TIMEOUT / 2)
    answer = _ended_by_server(sock)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b'"server_ip_addr"' in answer
    api.close()
