"""JSON-RPC throughput: N concurrent clients call API methods for a fixed time.

Starts a throw-away server (SQLite in a temporary directory, or the PostgreSQL database given
with ``--database-url``), or measures a running one given with ``--url`` and ``--token``.
Each client is a thread with its own keep-alive HTTP connection; it calls the methods in turn
and every reply is checked for an error. Prints requests/s and p50/p99 latency per method.

    python benchmarks/api_throughput.py                       # 16 clients, 10 s, SQLite
    python benchmarks/api_throughput.py --clients 32 --duration 30
    python benchmarks/api_throughput.py --database-url postgresql+psycopg://u@host/db
    python benchmarks/api_throughput.py --url http://host:5000 --token <admin token>
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_METHODS = ("get_user", "get_server_info")


@dataclass
class Samples:
    """Latencies (seconds) per method, and the replies that were not successes."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first_error: str | None = None

    def merge(self, other: Samples) -> None:
        for method, values in other.latencies.items():
            self.latencies[method].extend(values)
        for method, count in other.errors.items():
            self.errors[method] += count
        self.first_error = self.first_error or other.first_error


def run_client(api_url: str, token: str, methods: list[str], start: float, stop: float) -> Samples:
    """One client: call the methods in turn until ``stop``; record only calls begun after
    ``start`` (the warm-up before it fills connection pools and caches)."""
    samples = Samples()
    with httpx.Client(timeout=60) as http:
        for request_id, method in enumerate(itertools.cycle(methods)):
            began = time.perf_counter()
            if began >= stop:
                break
            # both names: RhodeCode 4 and vcshub read auth_token, Kallithea only api_key
            body = {"id": request_id, "auth_token": token, "api_key": token, "method": method,
                    "args": {}}
            response = None
            try:
                response = http.post(api_url, json=body)
                reply = response.json()
                failed = response.status_code != 200 or reply.get("error") is not None
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
            except (httpx.HTTPError, ValueError) as exc:
                failed, problem = True, repr(exc)
                if response is not None:  # not JSON: say what the server answered instead
                    problem += f" (HTTP {response.status_code}: {response.text[:200]!r})"
            elapsed = time.perf_counter() - began
            if began < start:
                continue
            if failed:
                samples.errors[method] += 1
                samples.first_error = samples.first_error or f"{method}: {problem}"
            else:
                samples.latencies[method].append(elapsed)
    return samples


def measure(api_url: str, token: str, methods: list[str], clients: int, duration: float,
            warmup: float) -> Samples:
    start = time.perf_counter() + warmup
    stop = start + duration
    results: list[Samples] = []
    lock = threading.Lock()

    def client() -> None:
        samples = run_client(api_url, token, methods, start, stop)
        with lock:
            results.append(samples)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Samples()
    for samples in results:
        total.merge(samples)
    return total


def percentile(values: list[float], fraction: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def report(samples: Samples, methods: list[str], clients: int, duration: float) -> None:
    print(f"{clients} clients, {duration:g} s\n")
    print(f"{'method':<20} {'requests':>9} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
    for method in [*methods, "total"]:
        if method == "total":
            values = [v for m in methods for v in samples.latencies[m]]
            errors = sum(samples.errors.values())
        else:
            values = samples.latencies[method]
            errors = samples.errors[method]
        if not values:
            print(f"{method:<20} {0:>9} {'-':>9} {'-':>9} {'-':>9} {errors:>7}")
            continue
        print(
            f"{method:<20} {len(values):>9} {len(values) / duration:>9.1f} "
            f"{percentile(values, 0.50) * 1000:>9.2f} {percentile(values, 0.99) * 1000:>9.2f} "
            f"{errors:>7}"
        )
    if samples.first_error:
        print(f"\nfirst error: {samples.first_error}")


@contextlib.contextmanager
def throwaway_server(database_url: str | None, keep: bool) -> Iterator[tuple[str, str]]:
    """A fresh instance started with the test suite's helper; yields (base url, admin token)."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import start_server

    data_dir = Path(tempfile.mkdtemp(prefix="vcshub-bench-"))
    server = start_server(data_dir, database_url or f"sqlite:///{data_dir / 'vcshub.sqlite'}")
    try:
        yield server.url, server.admin_token
    finally:
        server.stop()
        if keep:
            print(f"\ndata directory kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="base URL of a running server (default: start one)")
    parser.add_argument("--token", help="super-admin API token for --url")
    parser.add_argument("--database-url", help="database for the started server (default SQLite)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS),
                        help="comma separated methods without arguments, called in turn")
    parser.add_argument("--keep", action="store_true", help="keep the started server's data dir")
    options = parser.parse_args(argv)
    methods = [m for m in options.methods.split(",") if m]
    if options.url and not options.token:
        parser.error("--url needs --token")

    if options.url:
        server = contextlib.nullcontext((options.url.rstrip("/"), options.token))
    else:
        server = throwaway_server(options.database_url, options.keep)
    with server as (url, token):
        samples = measure(f"{url}/_admin/api", token, methods, options.clients,
                          options.duration, options.warmup)
    report(samples, methods, options.clients, options.duration)
    return 1 if sum(samples.errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
