"""What metrics cost per request: the same requests against a server with metrics off and one
with metrics on, side by side in one run, plus the middleware alone in-process.

1. In-process: a trivial ASGI app called directly, bare and wrapped in the metrics middleware
   (multiprocess mode, files in a temporary directory, as ``vcshub serve`` runs it): the cost
   of counting and timing one request, in microseconds.
2. Live: two throw-away servers (SQLite, ``--workers`` each, default 2), one with
   ``VCSHUB_METRICS_ENABLED``; one keep-alive client sends the same requests to both,
   interleaved in blocks of 100 (which goes first alternates) so that the machine's noise
   falls on both alike. Prints p50, p90 and mean latency per kind of request for each server.

    python benchmarks/metrics_overhead.py                 # 1,500 requests per kind and server
    python benchmarks/metrics_overhead.py --requests 5000 --workers 1
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

# before prometheus-client is imported: the in-process part measures multiprocess mode
_FILES = tempfile.mkdtemp(prefix="vcshub-metrics-bench-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _FILES

import httpx  # noqa: E402

from tests.live_server import start_server  # noqa: E402
from vcshub.metrics.middleware import RequestMetrics  # noqa: E402

KINDS = {
    "api get_user": ("POST", "/_admin/api", '{"id": 1, "auth_token": "TOKEN", "method": "get_user", "args": {}}'),
    "page /": ("GET", "/", None),
    "static file": ("GET", "/_static/vcshub.css", None),
}


def in_process(calls: int) -> tuple[float, float]:
    """Microseconds per call of a trivial app, bare and behind the middleware."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        return None

    wrapped = RequestMetrics(app, static_prefix="/_static")

    async def run(target) -> float:
        scope = {"type": "http", "path": "/_admin/api", "method": "POST"}
        began = time.perf_counter()
        for _ in range(calls):
            await target(dict(scope), receive, send)
        return (time.perf_counter() - began) / calls * 1e6

    bare = asyncio.run(run(app))
    metered = asyncio.run(run(wrapped))
    return bare, metered


def live(requests: int, workers: int) -> dict[str, dict[str, list[float]]]:
    results: dict[str, dict[str, list[float]]] = {"off": {}, "on": {}}
    with tempfile.TemporaryDirectory() as folder:
        servers = {}
        for name, enabled in (("off", "false"), ("on", "true")):
            data_dir = Path(folder) / name
            data_dir.mkdir()
            env = {"VCSHUB_METRICS_ENABLED": enabled, "VCSHUB_WORKERS": str(workers)}
            servers[name] = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}", **env)
        try:
            clients = {name: httpx.Client(base_url=s.url, timeout=60) for name, s in servers.items()}
            block = 100
            for kind, (method, path, body) in KINDS.items():
                for name in servers:
                    results[name][kind] = []
                for start in range(0, requests + block, block):  # the first block warms up
                    # each goes first every other block: what the first one pays falls on both
                    order = list(servers.items())
                    for name, server in order if start // block % 2 else order[::-1]:
                        content = body.replace("TOKEN", server.admin_token) if body else None
                        for _ in range(block):
                            began = time.perf_counter()
                            response = clients[name].request(method, path, content=content)
                            took = time.perf_counter() - began
                            assert response.status_code == 200, (kind, response.status_code)
                            if start:
                                results[name][kind].append(took)
            for client in clients.values():
                client.close()
        finally:
            for server in servers.values():
                server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--calls", type=int, default=50_000, help="in-process calls")
    args = parser.parse_args()

    bare, metered = in_process(args.calls)
    print(f"in-process, {args.calls} calls of a trivial ASGI app (multiprocess files):")
    print(f"  bare {bare:7.2f} µs   with metrics middleware {metered:7.2f} µs   "
          f"cost {metered - bare:6.2f} µs per request")

    # the servers decide for themselves: "on" names its own directory, "off" none
    del os.environ["PROMETHEUS_MULTIPROC_DIR"]
    results = live(args.requests, args.workers)
    print(f"\nlive servers, {args.workers} workers each, {args.requests} requests per kind, one client:")
    print(f"  {'request':<14} {'metrics':<8} {'p50 ms':>8} {'p90 ms':>8} {'mean ms':>8}")
    for kind in KINDS:
        for name in ("off", "on"):
            values = sorted(results[name][kind])
            p50 = values[len(values) // 2] * 1000
            p90 = values[int(len(values) * 0.9)] * 1000
            mean = statistics.fmean(values) * 1000
            print(f"  {kind:<14} {name:<8} {p50:8.3f} {p90:8.3f} {mean:8.3f}")


if __name__ == "__main__":
    main()
