"""The changelog page with its commit graph on the 100,000-commit / 20,000-file git repository
of benchmarks/vcs_history.py (generated once with ``git fast-import``, cached in CACHE_DIR),
mirrored into a fresh instance's storage, registered with ``rescan_repos`` and read anonymously
from a live ``vcshub serve``.

Times ``GET /<repo>/changelog`` (page 1: 50 commits, the lanes, the page), page 2 (laid out
after page 1's commits too), a page deep in the history, and the read service alone
(``repo_contents.graphed_changelog``). Prints the median and best of ``--runs`` runs after one
warm-up call, and for HTTP the server's CPU time per call (which a busy machine hardly
distorts).

    python benchmarks/changelog_page.py [CACHE_DIR] [--runs N]

Target (issue 15): changelog page 1 < 150 ms server time (p50).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from sqlalchemy import select

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "benchmarks")]

import repos as repos_bench  # noqa: E402 - benchmarks/repos.py: Api, cpu_ms, timings
import vcs_history  # noqa: E402 - benchmarks/vcs_history.py

from tests.live_server import start_server  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine, create_session_factory  # noqa: E402
from vcshub.db.models import Repository  # noqa: E402
from vcshub.services import repo_contents  # noqa: E402
from vcshub.services.unit_of_work import unit_of_work  # noqa: E402

BIG_REPO = "bench/history"
TARGET_MS = 150.0


def line(label: str, times: list[float], note: str = "") -> None:
    print(f"  {label:<44} p50 {statistics.median(times):8.1f} ms  best {min(times):8.1f} ms"
          f"   {note}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    source = vcs_history.ensure_repository(Path(args.cache_dir))
    missed = False
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-changelog-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        server = start_server(data_dir, url)
        try:
            target = data_dir / "repos" / BIG_REPO
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "clone", "--quiet", "--mirror", str(source), str(target)],
                           check=True)  # hard links: quick and small
            admin = repos_bench.Api(server.api_url, server.admin_token)
            assert admin("rescan_repos")["added"] == [BIG_REPO]
            settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
            sessions = create_session_factory(create_db_engine(url))

            def through_services(page: int):
                with unit_of_work(sessions, settings) as uow:
                    repo = uow.db.scalar(select(Repository).where(Repository.repo_name == BIG_REPO))
                    return repo_contents.graphed_changelog(uow, repo, page=page)

            print(f"{BIG_REPO}: 100,000 commits, 20,000 files ({args.runs} runs)")
            times, found = repos_bench.timings(lambda: through_services(1), args.runs)
            line("graphed_changelog page 1 (services)", times,
                 f"{len(found.rows)} rows, {found.graph.width} lanes")
            with httpx.Client(base_url=server.url, timeout=120) as http:
                for label, path in (("GET changelog page 1", "changelog"),
                                    ("GET changelog page 2", "changelog?page=2"),
                                    ("GET changelog page 1000", "changelog?page=1000")):
                    def get(path=path):
                        response = http.get(f"/{BIG_REPO}/{path}")
                        assert response.status_code == 200, response.status_code
                        return response
                    get()  # the first read of the repository builds its commit index
                    before = repos_bench.cpu_ms(server.process.pid)
                    times, response = repos_bench.timings(get, args.runs)
                    cpu = (repos_bench.cpu_ms(server.process.pid) - before) / (args.runs + 1)
                    note = f"server CPU {cpu:6.1f} ms/call"
                    if path == "changelog":
                        ok = statistics.median(times) < TARGET_MS
                        missed = not ok
                        note += f"   target < {TARGET_MS:.0f} ms: {'OK' if ok else 'MISSED'}"
                        assert response.text.count("<svg") == 50
                    line(label, times, note)
        finally:
            server.stop()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
