"""Repository API on a large instance: get_repos with 10,000 repositories, history and trees of a
repository with 100,000 commits and 20,000 files.

(a) A SQLite database prepared as benchmarks/permissions.py does (``installation.initialize``,
    then bulk SQLAlchemy Core inserts: 1,000 users, 100 user groups, 500 repository groups and
    10,000 repository rows with their default rows and explicit grants; no folders). Times
    ``get_repos`` for one ordinary user, through the service and serializer path
    (``services.repo_listing.list_repos`` + ``serializers.repos.repo_data``) and over HTTP against a
    live ``vcshub serve`` on that data directory.
(b) The git repository of benchmarks/vcs_history.py (generated once with ``git fast-import`` and
    cached in CACHE_DIR), mirrored into the same storage and registered with ``rescan_repos``.
    Times ``get_repo_changesets(start_rev="50000", limit=100)`` and ``get_repo_nodes`` of the
    root (``ret_type=all``) over HTTP, and the same work through the services.

Prints the median and best of ``--runs`` runs (after one warm-up call) in milliseconds, and for
the HTTP calls the server's CPU time per call, which a busy machine hardly distorts.

    python benchmarks/repos.py [CACHE_DIR] [--runs N]

Targets: get_repos < 200 ms, get_repo_changesets(limit=100) < 50 ms, get_repo_nodes < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
from sqlalchemy import select

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "benchmarks")]

import permissions as permissions_bench  # noqa: E402 - benchmarks/permissions.py
import vcs_history  # noqa: E402 - benchmarks/vcs_history.py

from tests.live_server import start_server  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine, create_session_factory  # noqa: E402
from vcshub.db.models import User  # noqa: E402
from vcshub.permissions.caller import Caller  # noqa: E402
from vcshub.serializers.commits import commit_data, node_data  # noqa: E402
from vcshub.serializers.repos import repo_data  # noqa: E402
from vcshub.services import installation, repo_contents, repo_listing  # noqa: E402
from vcshub.services.unit_of_work import unit_of_work  # noqa: E402

BIG_REPO = "bench/history"
START_REV = str(vcs_history.START_INDEX)
LIMIT = vcs_history.LIMIT
TARGETS_MS = {"get_repos": 200.0, "get_repo_changesets": 50.0, "get_repo_nodes": 300.0}


_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def timings(func: Callable[[], object], runs: int) -> tuple[list[float], object]:
    """Wall times (ms) of ``runs`` calls after one warm-up call, and the last result."""
    result = func()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_MS


class Report:
    """Prints one line per measurement and remembers the targets missed."""

    def __init__(self, runs: int, server_pid: int) -> None:
        self.runs = runs
        self.server_pid = server_pid
        self.missed: list[str] = []

    def services(self, label: str, func: Callable[[], object]) -> object:
        times, result = timings(func, self.runs)
        self._line(label, times)
        return result

    def http(self, label: str, func: Callable[[], object], target: str) -> object:
        """Wall time seen by the client, and the server's CPU time per call: on a busy
        machine the wall time mostly measures the other load, the CPU time hardly."""
        before = cpu_ms(self.server_pid)
        times, result = timings(func, self.runs)
        server_cpu = (cpu_ms(self.server_pid) - before) / (self.runs + 1)
        median = statistics.median(times)
        verdict = "OK" if median < TARGETS_MS[target] else "MISSED"
        if verdict == "MISSED":
            self.missed.append(target)
        self._line(label, times, f"server CPU {server_cpu:6.1f} ms/call   "
                                 f"target < {TARGETS_MS[target]:.0f} ms: {verdict}")
        return result

    @staticmethod
    def _line(label: str, times: list[float], note: str = "") -> None:
        print(f"  {label:<48} median {statistics.median(times):8.1f} ms  "
              f"best {min(times):8.1f} ms   {note}")


class Api:
    """JSON-RPC over one keep-alive connection, as a script using the API would call it."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.http = httpx.Client(timeout=300)

    def __call__(self, method: str, **args) -> object:
        body = orjson.dumps({"id": 1, "auth_token": self.token, "method": method, "args": args})
        # orjson rather than httpx's json: decoding megabytes with the standard library would
        # measure the client more than the server.
        reply = orjson.loads(self.http.post(self.url, content=body).content)
        if reply["error"] is not None:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]


# -- (a) get_repos -----------------------------------------------------------------------------


def user_token(engine, user_id: int) -> str:
    with engine.connect() as conn:
        return conn.scalar(select(User.api_key).where(User.user_id == user_id))


def repos_through_services(sessions, settings, user_id: int) -> list[dict]:
    """What the get_repos method does, without HTTP and JSON."""
    with unit_of_work(sessions, settings) as uow:
        caller = Caller(uow.db, uow.db.get(User, user_id))
        return [
            repo_data(r, base_url="http://bench", secrets=False,
                      extra_fields=settings.extra_fields_enabled)
            for r in repo_listing.list_repos(uow, caller)
        ]


# -- (b) a big repository ----------------------------------------------------------------------


def host_big_repository(settings, cache: Path) -> None:
    """Mirror the generated repository into the storage (hard links: quick and small)."""
    source = vcs_history.ensure_repository(cache)
    target = settings.repos_dir / BIG_REPO
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "--quiet", "--mirror", str(source), str(target)], check=True)


def history_through_services(sessions, settings) -> list[dict]:
    with unit_of_work(sessions, settings) as uow:
        admin = uow.db.scalar(select(User).where(User.admin.is_(True)).limit(1))
        _repo, backend = repo_contents.open_readable(uow, Caller(uow.db, admin), BIG_REPO)
        return [commit_data(c) for c in repo_contents.commits_from(backend, START_REV, LIMIT)]


def nodes_through_services(sessions, settings) -> list[dict]:
    with unit_of_work(sessions, settings) as uow:
        admin = uow.db.scalar(select(User).where(User.admin.is_(True)).limit(1))
        _repo, backend = repo_contents.open_readable(uow, Caller(uow.db, admin), BIG_REPO)
        return [node_data(n, full=False, max_file_bytes=None)
                for n in repo_contents.nodes_below(backend, "tip", "/")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench",
                        help="where the 100,000-commit repository is generated once")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    missed: list[str] = []

    with tempfile.TemporaryDirectory(prefix="vcshub-bench-repos-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        engine = create_db_engine(url)
        started = time.perf_counter()
        installation.initialize(settings, engine)
        me = permissions_bench.populate(engine, random.Random(args.seed))
        host_big_repository(settings, Path(args.cache_dir))
        print(f"prepared in {time.perf_counter() - started:.1f} s")
        sessions = create_session_factory(engine)

        server = start_server(data_dir, url)
        try:
            admin = Api(server.api_url, server.admin_token)
            added = admin("rescan_repos")["added"]
            assert added == [BIG_REPO], added
            user = Api(server.api_url, user_token(engine, me))

            report = Report(args.runs, server.process.pid)

            print(f"(a) get_repos as an ordinary user ({args.runs} runs):")
            listed = report.services(
                "list_repos + repo_data (services)",
                lambda: repos_through_services(sessions, settings, me),
            )
            report.http("get_repos over HTTP", lambda: user("get_repos"), "get_repos")
            print(f"  ({len(listed)} of 10,001 repositories readable by the user)")

            print(f"(b) {BIG_REPO}: 100,000 commits, 20,000 files ({args.runs} runs):")
            first = time.perf_counter()
            admin("get_repo_changesets", repoid=BIG_REPO, start_rev=START_REV, limit=LIMIT)
            print(f"  first get_repo_changesets (builds the commit index): "
                  f"{(time.perf_counter() - first) * 1000:.0f} ms")
            report.services(f"commits_from + commit_data x{LIMIT} (services)",
                            lambda: history_through_services(sessions, settings))
            page = report.http(
                f"get_repo_changesets limit={LIMIT} over HTTP",
                lambda: admin("get_repo_changesets", repoid=BIG_REPO, start_rev=START_REV,
                              limit=LIMIT),
                "get_repo_changesets",
            )
            assert len(page) == LIMIT and page[0]["revision"] == vcs_history.START_INDEX
            nodes = report.services("nodes_below + node_data (services)",
                                    lambda: nodes_through_services(sessions, settings))
            report.http(
                "get_repo_nodes root, ret_type=all over HTTP",
                lambda: admin("get_repo_nodes", repoid=BIG_REPO, revision="tip", root_path="/",
                              ret_type="all"),
                "get_repo_nodes",
            )
            print(f"  ({len(nodes)} nodes)")
            missed = report.missed
        finally:
            server.stop()
            engine.dispose()

    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
