"""Pull requests through the JSON-RPC API on a git repository with 100,000 commits.

Takes the repository of benchmarks/vcs_history.py (100,000 commits, 20,000 files; generated once
with ``git fast-import`` and cached in CACHE_DIR) and the 500-commit feature branch of
benchmarks/vcs_merge.py (forked 200 commits behind master, touching no file master changed since,
so that the merge is clean). Starts a throw-away server (tests/live_server.py: ``vcshub serve``,
SQLite), mirrors the repositories into its storage (hard links) and registers them with
``rescan_repos``, then for each run, on fresh repositories:

* same repo: ``create_pull_request`` from ``branch:feature`` to ``branch:master`` of one
  repository that holds both branches, then ``merge_pull_request``;
* from fork: the same from a fork (``fork_of`` the target) that alone holds the feature branch,
  whose 500 commits then travel into the target with the merge.

Between the two, ``get_pull_request`` is called (not a target: it checks that the pull request
lists the 500 commits; its ``mergeable`` field costs a dry-run merge). After the merge, the target's
master must be a merge commit of the old master and the feature head.

Prints the median and best wall time of ``--runs`` runs per call, and the server's CPU time per
call (from /proc), which a busy machine distorts less than the wall time.

    python benchmarks/pull_requests.py [CACHE_DIR] [--runs N] [--keep]

Targets: create_pull_request < 2 s, merge_pull_request < 2 s (500-commit branch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "benchmarks")]

import vcs_history  # benchmarks/vcs_history.py
import vcs_merge  # benchmarks/vcs_merge.py

from tests.live_server import start_server
from vcshub.config import load_settings

TARGET_SECONDS = {"create_pull_request": 2.0, "merge_pull_request": 2.0}
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) a process and its waited-for children have used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime: the merge runs git subprocesses (clone, push).
    return sum(int(f) for f in fields[11:15]) * _TICK_MS


class Api:
    """JSON-RPC over one keep-alive connection, as a script using the API would call it."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.http = httpx.Client(timeout=600)

    def __call__(self, method: str, **args) -> object:
        body = orjson.dumps({"id": 1, "auth_token": self.token, "method": method, "args": args})
        reply = orjson.loads(self.http.post(self.url, content=body).content)
        if reply["error"] is not None:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]


class Timings:
    """Wall and server CPU milliseconds per (scenario, method)."""

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid
        self.wall: dict[tuple[str, str], list[float]] = {}
        self.cpu: dict[tuple[str, str], list[float]] = {}

    def call(self, scenario: str, api: Api, method: str, **args) -> object:
        """``api(method, **args)``, timed."""
        cpu_before = cpu_ms(self.pid)
        started = time.perf_counter()
        result = api(method, **args)
        wall = (time.perf_counter() - started) * 1000
        self.wall.setdefault((scenario, method), []).append(wall)
        self.cpu.setdefault((scenario, method), []).append(cpu_ms(self.pid) - cpu_before)
        return result

    def report(self) -> list[str]:
        """Print one line per (scenario, method); return the targets missed."""
        missed = []
        for key, walls in self.wall.items():
            scenario, method = key
            median = statistics.median(walls)
            line = (f"{scenario + ':':<11} {method:<20} median {median:8.1f} ms  "
                    f"best {min(walls):8.1f} ms  "
                    f"server CPU {statistics.median(self.cpu[key]):7.1f} ms/call")
            if method in TARGET_SECONDS:
                limit = TARGET_SECONDS[method] * 1000
                verdict = "PASS" if median < limit else "FAIL"
                if verdict == "FAIL":
                    missed.append(f"{scenario} {method}")
                line += f"   target < {limit:.0f} ms: {verdict}"
            print(line)
        return missed


def mirror(source: Path, dest: Path) -> None:
    """A hard-linked mirror clone: quick, small, and ``source`` is never written to."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "--quiet", "--mirror", str(source), str(dest)], check=True)


def git_out(git_dir: Path, *args: str) -> str:
    return vcs_merge.git(git_dir, *args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench",
                        help="where the 100,000-commit repository is generated once")
    parser.add_argument("--runs", type=int, default=5, help="pull requests per scenario")
    parser.add_argument("--keep", action="store_true", help="keep the server's data directory")
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir)
    history = vcs_history.ensure_repository(cache)
    runs = range(args.runs)

    data_dir = Path(tempfile.mkdtemp(prefix="vcshub-bench-pr-"))
    url = f"sqlite:///{data_dir / 'vcshub.sqlite'}"
    settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
    started = time.perf_counter()

    # The feature branch, built once per invocation in a scratch clone (the cache stays intact).
    with_feature = vcs_merge.clone_bare(history, data_dir / "scratch" / "with-feature.git")
    base = git_out(with_feature, "rev-parse", f"master~{vcs_merge.BEHIND}")
    feature = vcs_merge.add_feature(with_feature, base)
    master = git_out(with_feature, "rev-parse", "master")

    # Repositories in the storage: per run, one holding both branches (same repo), one without
    # the feature (fork target) and its fork holding the feature.
    scenarios = {
        "same repo": [(f"bench/same{n}", f"bench/same{n}") for n in runs],
        "from fork": [(f"bench/fork{n}", f"bench/target{n}") for n in runs],
    }
    for n in runs:
        mirror(with_feature, settings.repos_dir / f"bench/same{n}")
        mirror(history, settings.repos_dir / f"bench/target{n}")
        mirror(with_feature, settings.repos_dir / f"bench/fork{n}")

    server = start_server(data_dir, url)
    failed: list[str] = []
    try:
        admin = Api(server.api_url, server.admin_token)
        added = admin("rescan_repos")["added"]
        assert len(added) == 3 * args.runs, added
        for n in runs:
            admin("update_repo", repoid=f"bench/fork{n}", fork_of=f"bench/target{n}")
        print(f"prepared in {time.perf_counter() - started:.1f} s (rescan builds commit indexes)")
        print(f"repository: {vcs_history.COMMITS} commits, {vcs_history.FILES} files; "
              f"feature: {vcs_merge.FEATURE_COMMITS} commits from master~{vcs_merge.BEHIND}; "
              f"{args.runs} runs per scenario, load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        timings = Timings(server.process.pid)
        for scenario, pairs in scenarios.items():
            for number, (source, target) in enumerate(pairs):
                created = timings.call(
                    scenario, admin, "create_pull_request", source_repo=source,
                    target_repo=target, source_ref="branch:feature", target_ref="branch:master",
                    title=f"Feature, run {number}", description="500 commits")
                pr_id = created["pull_request_id"]
                pr = timings.call(scenario, admin, "get_pull_request", repoid=target,
                                  pullrequestid=pr_id)
                assert len(pr["commit_ids"]) == vcs_merge.FEATURE_COMMITS, len(pr["commit_ids"])
                assert pr["mergeable"]["status"], pr["mergeable"]
                merged = timings.call(scenario, admin, "merge_pull_request", repoid=target,
                                      pullrequestid=pr_id)
                assert merged["executed"] and merged["failure_reason"] == 0, merged
                target_dir = settings.repos_dir / target
                parents = git_out(target_dir, "rev-parse", "master^1", "master^2").split()
                assert parents == [master, feature], parents
                assert git_out(target_dir, "rev-parse", "master") == merged["merge_commit_id"]
        failed = timings.report()
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        server.stop()
        if args.keep:
            print(f"data directory kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    print("PASS: all targets met" if not failed else f"FAIL: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
