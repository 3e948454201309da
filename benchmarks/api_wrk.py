"""API throughput with wrk (a C load generator, so the clients do not eat the server's CPU as
Python threads would): servers started side by side in one run, the same methods, the same
connections. Prints requests/s, p50/p99 latency and errors per configuration and method.

    python benchmarks/api_wrk.py                          # 1 worker vs the default (cores), SQLite
    python benchmarks/api_wrk.py --workers 1,2,4 --connections 8 --duration 10
    python benchmarks/api_wrk.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
    python benchmarks/api_wrk.py --workers 2 --rounds 3 --before-src /tmp/before/src

With ``--before-src``, a server running the code of that ``src`` folder (e.g. a checkout of the
previous commit) is measured beside this tree's, alternately, ``--rounds`` times each; medians
are printed at the end. Alternating keeps a passing load on the machine from favouring one.

The busy machine's noise is taken out by a second figure: the CPU time the server's processes
spent per request (from /proc), which load beside the server does not change much.

Every reply's body is checked by wrk's script: an envelope whose ``error`` is not null counts as
an error, as does any HTTP status but 200. Kallithea 0.7 on the same 2-core machine, measured by
the issue with wrk and 8 connections: get_server_info ~31 req/s, get_user ~39 req/s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
KALLITHEA = {"get_server_info": 31.0, "get_user": 39.0}

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = %(body)s
local failed = 0
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"error":null', 1, true) then
    failed = failed + 1
  end
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%f %%f %%f %%d %%d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
      + summary.errors.status, failed))
end
"""


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process and its worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for each in [pid, *map(int, children)]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@contextlib.contextmanager
def server(database_url: str | None, workers: int, env: dict[str, str]
           ) -> Iterator[tuple[str, str, int]]:
    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import start_server

    data_dir = Path(tempfile.mkdtemp(prefix="vcshub-wrk-"))
    url = database_url or f"sqlite:///{data_dir / 'vcshub.sqlite'}"
    live = start_server(data_dir, url, VCSHUB_WORKERS=str(workers), **env)
    try:
        yield live.url, live.admin_token, live.process.pid
    finally:
        live.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def run_wrk(url: str, token: str, method: str, connections: int, duration: float) -> dict:
    body = json.dumps({"id": 1, "auth_token": token, "method": method, "args": {}})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"body": json.dumps(body)})
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration:g}s", "-s", script.name,
             "--latency", f"{url}/_admin/api"],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    # each wrk thread runs done(): sum requests, keep the worst percentiles
    rows = [line.split()[1:] for line in out.splitlines() if line.startswith("RESULT")]
    requests, seconds = int(rows[0][0]), float(rows[0][1])
    p50 = _wrk_percentile(out, "50%")
    p99 = _wrk_percentile(out, "99%")
    return {"rps": requests / seconds, "p50": p50, "p99": p99,
            "errors": int(rows[0][4]) + int(rows[0][5])}


def _wrk_percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--workers", default=f"1,{os.cpu_count()}")
    parser.add_argument("--methods", default="get_server_info,get_user")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--before-src", default="",
                        help="the src folder of the code to compare with")
    options = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install -y wrk)")
    methods = options.methods.split(",")
    codes = [("this tree", {})]
    if options.before_src:
        codes.insert(0, ("before", {"PYTHONPATH": options.before_src}))
    print(f"wrk, {options.connections} connections, {options.duration:g} s per method, "
          f"{os.cpu_count()} cores\n")
    print(f"{'code':<10} {'workers':>7} {'method':<16} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'x Kallithea':>11} {'CPU ms/req':>10}")
    failures, rows = 0, {}
    for _round in range(options.rounds):
        for workers in [int(w) for w in options.workers.split(",")]:
            for label, env in codes:
                with server(options.database_url, workers, env) as (url, token, pid):
                    run_wrk(url, token, methods[0], options.connections, 2)  # warm-up
                    for method in methods:
                        cpu_before = server_cpu_seconds(pid)
                        r = run_wrk(url, token, method, options.connections, options.duration)
                        r["cpu"] = (server_cpu_seconds(pid) - cpu_before) * 1000 / (
                            r["rps"] * options.duration)
                        failures += r["errors"]
                        rows.setdefault((label, workers, method), []).append(r)
                        _print_row(label, workers, method, r)
    if options.rounds > 1:
        print(f"\nmedians of {options.rounds} rounds")
        for (label, workers, method), runs in rows.items():
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            _print_row(label, workers, method, median)
    return 1 if failures else 0


def _print_row(label: str, workers: int, method: str, r: dict) -> None:
    ratio = f"{r['rps'] / KALLITHEA[method]:.1f}x" if method in KALLITHEA else "-"
    print(f"{label:<10} {workers:>7} {method:<16} {r['rps']:>8.0f} {r['p50']:>7.2f} "
          f"{r['p99']:>7.2f} {r['errors']:>6.0f} {ratio:>11} {r['cpu']:>10.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
