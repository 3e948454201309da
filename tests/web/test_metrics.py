"""``/_admin/metrics`` on live servers: off by default (404); on, one scrape of a 2-worker server
counts what every worker served (API calls, pages, git and hg clones, fetches and pushes, SSH
sessions), and only the node's own network or a super-admin's token may read it."""

from __future__ import annotations

import concurrent.futures
import contextlib
import glob
import os
import re
import shutil
import signal
import time

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user
from tests.factories.api import seeded_repo
from tests.live_server import free_port, start_server
from tests.transport.clients import Clients, Credentials
from tests.transport.ssh_clients import SshClients, SshWay, keygen, wait_for_port

CALLS = 24


@pytest.fixture(scope="module")
def metrics_server(db_backend, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"metrics-{db_backend}")
    ssh_port = free_port()
    with database_url(db_backend, "metrics", data_dir) as url:
        server = start_server(
            data_dir, url, VCSHUB_METRICS_ENABLED="true", VCSHUB_WORKERS="2",
            VCSHUB_SSH_PORT=str(ssh_port),
        )
        server.ssh_port = ssh_port
        try:
            wait_for_port(ssh_port)
            _wait_for_processes(server, 3)
            yield server
        finally:
            server.stop()


def scrape(server, **kwargs) -> dict[tuple[str, tuple], float]:
    response = httpx.get(f"{server.url}/_admin/metrics", timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(v for (n, ls), v in samples.items()
               if n == name and labels.items() <= dict(ls).items())


def test_metrics_are_off_unless_enabled(live_server):
    response = httpx.get(f"{live_server.url}/_admin/metrics", timeout=30)
    assert response.status_code == 404
    assert "vcshub_" not in response.text


def test_api_calls_and_pages_are_counted(metrics_server):
    before = scrape(metrics_server)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: call_api(metrics_server), range(CALLS)))
    sent = CALLS
    token = metrics_server.admin_token
    httpx.post(metrics_server.api_url, json={"id": 2, "auth_token": token, "method": "no_such", "args": {}})
    httpx.get(f"{metrics_server.url}/", timeout=30)

    after = scrape(metrics_server)
    counted = (value(after, "vcshub_http_requests_total", kind="api", operation="get_server_info")
               - value(before, "vcshub_http_requests_total", kind="api", operation="get_server_info"))
    assert counted == sent
    assert value(after, "vcshub_http_requests_total", kind="api", operation="unknown", status="2xx") >= 1
    assert value(after, "vcshub_http_request_seconds_count", kind="api", operation="get_server_info") >= sent
    assert value(after, "vcshub_http_requests_total", kind="web", operation="", status="2xx") >= 1
    # every live worker's process figures, and the queues' gauges
    assert after[("vcshub_processes", ())] == 3  # two HTTP workers and the SSH server
    assert len(_pids(after)) == 3
    assert ("vcshub_queue_length", (("queue", "search-index"),)) in after
    assert ("vcshub_queue_length", (("queue", "housekeeping"),)) in after
    # the background tasks, from the database: the same whichever process answers
    assert after[("vcshub_tasks", (("state", "failed"),))] >= 0
    assert after[("vcshub_processes_seen", (("kind", "web"),))] >= 1


def call_api(server, method: str = "get_server_info") -> None:
    with httpx.Client(timeout=60) as client:  # a new connection: any worker may take it
        reply = client.post(server.api_url, json={
            "id": 1, "auth_token": server.admin_token, "method": method, "args": {}})
        assert reply.json()["error"] is None


def _processes_that_counted(server, method: str) -> set[int]:
    """The process ids whose own metric file has counted ``method`` calls."""
    pids = set()
    for path in glob.glob(str(server.data_dir / "metrics" / "*" / "counter_*.db")):
        for key, count, *_ in MmapedDict.read_all_values_from_file(path):
            if "vcshub_http_requests" in key and f'"{method}"' in key and count > 0:
                pids.add(int(re.search(r"_(\d+)\.db$", path).group(1)))
    return pids


@pytest.mark.skipif(shutil.which("hg") is None, reason="needs hg")
def test_clones_fetches_and_pushes_are_counted(metrics_server, tmp_path):
    # about 7 s: twelve real git and hg client runs, each a process start and a few requests
    admin = ApiClient(metrics_server.api_url, metrics_server.admin_token)
    clients = Clients(metrics_server.url, tmp_path)
    me = Credentials(metrics_server.admin_username, metrics_server.admin_password)
    before = scrape(metrics_server)
    for kind in ("git", "hg"):
        name = f"metrics-{kind}"
        admin.result("create_repo", repo_name=name, repo_type=kind)
        _, first = clients.clone(kind, name, me)
        first.commit("a.txt", "one\n")
        first.push(me).check()
        second_clone, second = clients.clone(kind, name, me)
        second_clone.check()
        first.commit("b.txt", "two\n")
        first.push(me).check()
        second.fetch(me).check()
    after = scrape(metrics_server)

    def more(**labels):
        return (value(after, "vcshub_vcs_operations_total", transport="http", **labels)
                - value(before, "vcshub_vcs_operations_total", transport="http", **labels))

    assert more(vcs="git", operation="push") == 2
    assert more(vcs="git", operation="clone") == 1  # the first clone, of an empty repository, got no pack
    assert more(vcs="git", operation="fetch") == 1
    assert more(vcs="hg", operation="push") == 2
    assert more(vcs="hg", operation="clone") >= 1
    assert more(vcs="hg", operation="fetch") >= 1
    assert value(after, "vcshub_http_requests_total", kind="git", operation="git-receive-pack") >= 2
    assert value(after, "vcshub_http_requests_total", kind="hg", operation="unbundle") >= 2
    admin.close()


def test_ssh_sessions_and_operations_are_counted(metrics_server, tmp_path):
    """Over the built-in SSH server, a process of its own: its figures are in the scrape too."""
    admin = ApiClient(metrics_server.api_url, metrics_server.admin_token)
    clients = SshClients(SshWay("builtin", metrics_server.ssh_port, "git"), tmp_path)
    key = keygen(tmp_path / "key")
    admin.result("add_user_ssh_key", userid=metrics_server.admin_username,
                 key=key.with_suffix(".pub").read_text())
    login = clients.login(key)
    repo = seeded_repo(metrics_server, admin, "git")
    before = scrape(metrics_server)
    result, first = clients.clone("git", repo, login)
    result.check()
    first.commit("ssh.txt", "over ssh\n")
    first.push(login).check()
    clients.git("-C", str(first.path), "fetch", clients.url(repo, login)).check()
    after = scrape(metrics_server)

    def more(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert more("vcshub_ssh_sessions_total", vcs="git") == 3
    assert more("vcshub_ssh_session_seconds_count", vcs="git") == 3
    assert more("vcshub_vcs_operations_total", vcs="git", transport="ssh", operation="clone") == 1
    assert more("vcshub_vcs_operations_total", vcs="git", transport="ssh", operation="push") == 1
    admin.close()


def test_only_the_nodes_network_or_a_super_admin_may_read(metrics_server):
    url = f"{metrics_server.url}/_admin/metrics"
    outside = {"X-Forwarded-For": "203.0.113.7"}  # from the trusted 127.0.0.1: an outside client
    assert httpx.get(url, headers=outside, timeout=30).status_code == 403
    assert httpx.get(url, headers={**outside, "Authorization": "Bearer not-a-token"},
                     timeout=30).status_code == 403
    admin = ApiClient(metrics_server.api_url, metrics_server.admin_token)
    someone = make_user(admin)
    assert httpx.get(url, headers={**outside, "Authorization": f"Bearer {someone.token}"},
                     timeout=30).status_code == 403
    assert httpx.get(url, params={"auth_token": someone.token}, headers=outside,
                     timeout=30).status_code == 403
    allowed = httpx.get(url, headers={**outside, "Authorization": f"Bearer {metrics_server.admin_token}"},
                        timeout=30)
    assert allowed.status_code == 200 and "vcshub_http_requests_total" in allowed.text
    assert httpx.get(url, params={"auth_token": metrics_server.admin_token}, headers=outside,
                     timeout=30).status_code == 200
    admin.close()


def test_one_scrape_adds_every_process_and_keeps_a_killed_ones_counts(metrics_server):
    """Last in this module: it kills the server's worker that answered some API calls (uvicorn
    starts another), makes more calls, which the live workers answer, and a live worker's
    scrape has them all: its own, the other live processes' and the dead one's. Which worker
    takes a connection is the kernel's choice, so a dead worker's counts are the one sure way
    to see a scrape add another process's. 4-8 s: uvicorn notices the death and starts a
    worker, which imports the application."""
    before = scrape(metrics_server)
    pids = _pids(before)
    assert before[("vcshub_processes", ())] == len(pids) == 3  # two HTTP workers, the SSH server
    folder = next((metrics_server.data_dir / "metrics").iterdir())
    for _ in range(CALLS // 2):
        call_api(metrics_server, "get_user")
    # a worker that counted some, not the SSH server's process (uvicorn replaces only its own)
    workers = pids - {_listening_pid(metrics_server.ssh_port, pids)}
    victim = max(_processes_that_counted(metrics_server, "get_user") & workers)
    assert (folder / f"gauge_livesum_{victim}.db").exists()
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        after = scrape(metrics_server)
        if victim not in _pids(after) and after[("vcshub_processes", ())] == len(pids):
            break
        time.sleep(0.5)
    assert victim not in _pids(after) and after[("vcshub_processes", ())] == len(pids)
    for _ in range(CALLS // 2):
        call_api(metrics_server, "get_user")
    after = scrape(metrics_server)
    counted = (value(after, "vcshub_http_requests_total", kind="api", operation="get_user")
               - value(before, "vcshub_http_requests_total", kind="api", operation="get_user"))
    assert counted == CALLS // 2 * 2
    assert len(_processes_that_counted(metrics_server, "get_user")) >= 2  # the dead one and a live one
    # its gauges are gone from the sums
    assert not (folder / f"gauge_livesum_{victim}.db").exists()


def _listening_pid(port: int, pids: set[int]) -> int:
    """Which of ``pids`` listens on the TCP ``port`` (Linux: the socket's inode in /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
    raise AssertionError(f"nobody of {pids} listens on {port}")


def _wait_for_processes(server, count: int) -> None:
    """Until ``count`` processes serve: the server answers as soon as its first worker does,
    and the second may still be importing the application (two HTTP workers, the SSH server)."""
    deadline = time.monotonic() + 90
    while scrape(server).get(("vcshub_processes", ()), 0) < count:
        assert time.monotonic() < deadline, f"fewer than {count} processes after 90 s"
        time.sleep(0.5)


def _pids(samples) -> set[int]:
    return {int(dict(labels)["pid"]) for (name, labels) in samples
            if name == "vcshub_process_resident_memory_bytes"}
