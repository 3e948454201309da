"""Many git clones and a steady API load at once (issue 17): ``--clones`` (default 64) ``git
clone --bare`` over HTTP started together while clients call the API at ``--rate`` (default
200) requests a second, against one ``vcshub serve`` (its default: a worker process per core).

Prints the clones' errors (a non-zero exit or a wrong master) and wall time, the API calls'
count, errors and p50/p99 latency during the clones, and the server's resident memory (all its
processes) before, right after and once more after a second round: flat means no growth that
stays.

    python benchmarks/concurrent_load.py [--clones 64] [--rate 200] [--size-mb 20]
                                         [--commits 5000] [--cache-dir DIR] [--rounds 2]
                                         [--before-src /work/main/src]

With ``--before-src``, a server running the code of that ``src`` folder (e.g. the main branch,
whose clones run at the default CPU priority) is measured first, then this tree's, in one run,
and both are printed side by side.

The repository comes from benchmarks/transport_repos.py (cached in ``--cache-dir``).
Targets: 0 clone errors, 0 API errors, memory flat.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.transport_repos import build_git, copy_git, git_head  # noqa: E402
from tests.live_server import start_server  # noqa: E402


def server_rss_mb(pid: int) -> float:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for each in [pid, *map(int, children)]:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


THREADS = 32


def serving_niceness(seen: set[str], done: threading.Event) -> None:
    """Collect the niceness of the server's git processes (upload-pack, pack-objects) seen
    every half second until ``done``."""
    while not done.wait(0.5):
        found = subprocess.run(["ps", "-eo", "ni=,args="], capture_output=True, text=True).stdout
        seen.update(line.split()[0] for line in found.splitlines()
                    if "upload-pack" in line or "pack-objects" in line)


class ApiLoad:
    """Calls get_user and get_repo in turn at ``rate`` a second from 32 threads (enough for the
    rate while calls are slow) until stopped."""

    def __init__(self, api_url: str, token: str, repo: str, rate: float) -> None:
        self.api_url, self.token, self.repo, self.rate = api_url, token, repo, rate
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(i,)) for i in range(THREADS)]

    def _client(self, index: int) -> None:
        interval = THREADS / self.rate
        calls = [("get_user", {}), ("get_repo", {"repoid": self.repo})]
        with httpx.Client(timeout=60) as http:
            due = time.perf_counter() + index * interval / THREADS
            n = 0
            while not self._stop.is_set():
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                due += interval
                method, args = calls[n % 2]
                n += 1
                began = time.perf_counter()
                try:
                    reply = http.post(self.api_url, json={
                        "id": n, "auth_token": self.token, "method": method, "args": args})
                    failed = reply.status_code != 200 or reply.json()["error"] is not None
                    problem = reply.text[:200]
                except (httpx.HTTPError, ValueError) as exc:
                    failed, problem = True, repr(exc)
                took = time.perf_counter() - began
                if failed:
                    self.errors.append(problem)
                else:
                    self.latencies.append(took)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def clone_round(url: str, expected: str, clones: int, work: Path,
                niceness: int = 0) -> tuple[int, float]:
    began = time.perf_counter()
    targets = [work / f"c{i}" for i in range(clones)]
    nice = ["nice", "-n", str(niceness)] if niceness else []
    processes = [subprocess.Popen([*nice, "git", "clone", "--quiet", "--bare", url, str(t)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for t in targets]
    errors = 0
    for process, target in zip(processes, targets, strict=True):
        _out, err = process.communicate()
        if process.returncode != 0 or git_head(target) != expected:
            errors += 1
            print(f"  clone failed: {err.decode()[-300:]}", flush=True)
        shutil.rmtree(target, ignore_errors=True)
    return errors, time.perf_counter() - began


def measure_server(options, source: Path, expected: str, env: dict) -> tuple[int, list[tuple]]:
    """Rounds of clones under API load against a fresh server: (failures, rows)."""
    work = Path(tempfile.mkdtemp(prefix="vcshub-load-"))
    server = start_server(work / "data", f"sqlite:///{work / 'vcshub.sqlite'}", **env)
    failures, rows = 0, []
    try:
        copy_git(source, server.data_dir / "repos" / "load")
        httpx.post(server.api_url, json={"id": 1, "auth_token": server.admin_token,
                                          "method": "rescan_repos", "args": {}}, timeout=600)
        url = (f"http://{server.admin_username}:{server.admin_token}@"
               f"{server.url.removeprefix('http://')}/load")
        pid = server.process.pid
        before = server_rss_mb(pid)
        for round_number in range(1, options.rounds + 1):
            seen: set[str] = set()
            done = threading.Event()
            sampler = threading.Thread(target=serving_niceness, args=(seen, done))
            sampler.start()  # while the clones run
            with ApiLoad(server.api_url, server.admin_token, "load", options.rate) as load:
                errors, took = clone_round(url, expected, options.clones, work,
                                           options.client_niceness)
            done.set()
            sampler.join()
            print(f"  niceness of the server's git processes: {', '.join(sorted(seen))}",
                  flush=True)
            failures += errors + len(load.errors)
            lat = sorted(load.latencies)
            p50 = statistics.median(lat) * 1000 if lat else float("nan")
            p99 = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else float("nan")
            print(f"round {round_number}: clones {options.clones}, errors {errors}, "
                  f"{took:.1f} s; API {len(lat)} calls ({len(lat) / took:.0f}/s), "
                  f"errors {len(load.errors)}, p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
                  f"server RSS {before:.0f} -> {server_rss_mb(pid):.0f} MB", flush=True)
            if load.errors:
                print(f"  first API error: {load.errors[0]}")
            rows.append((round_number, errors, took, len(lat) / took, len(load.errors), p50, p99))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return failures, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clones", type=int, default=64)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--size-mb", type=float, default=20)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/vcshub-bench-transport"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--client-niceness", type=int, default=0,
                        help="run the cloning clients at this niceness (they share the machine "
                             "with the server here; on a real network they do not)")
    parser.add_argument("--before-src", default="",
                        help="the src folder of the code to compare with (e.g. /work/main/src)")
    options = parser.parse_args(argv)
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    source, _pusher = build_git(options.cache_dir, options.size_mb, options.commits, 1)
    expected = git_head(source)

    print(f"{options.clones} concurrent clones of a {options.size_mb:g} MB, "
          f"{options.commits}-commit repository, API at {options.rate:g} req/s", flush=True)
    servers = [("this tree", {})]
    if options.before_src:
        servers.insert(0, (f"before ({options.before_src})", {"PYTHONPATH": options.before_src}))
    failures, table = 0, []
    for label, env in servers:
        print(label, flush=True)
        failed, rows = measure_server(options, source, expected, env)
        failures += failed
        table += [(label, *row) for row in rows]
    print(f"\n{'server':<40} {'round':>5} {'clone errors':>12} {'clones s':>8} {'API/s':>6} "
          f"{'API errors':>10} {'p50 ms':>7} {'p99 ms':>8}")
    for label, number, errors, took, rate, api_errors, p50, p99 in table:
        print(f"{label:<40} {number:>5} {errors:>12} {took:>8.1f} {rate:>6.0f} {api_errors:>10} "
              f"{p50:>7.1f} {p99:>8.1f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
