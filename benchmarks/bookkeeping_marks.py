"""What a request pays to learn that no push bookkeeping is pending (vcshub.coordination's
bookkeeping marks), with the local backend (flock) and with Redis, beside a request that pays
nothing: the WaitForBookkeeping middleware in front of an empty ASGI app, called directly.

    python benchmarks/bookkeeping_marks.py [--calls 200000] [--redis redis://127.0.0.1:6379/0]

Printed: microseconds per call of ``pending()`` and of the middleware (an API request's
scope), with nothing pending and with one bookkeeping of another "process" pending (for the
middleware: left out, a request then waits for it). Target (local, nothing pending): a few µs.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from vcshub.coordination import FileCoordination, RedisCoordination  # noqa: E402
from vcshub.transport.bookkeeping import PushBookkeeping, WaitForBookkeeping  # noqa: E402

SCOPE = {"type": "http", "method": "POST", "path": "/_admin/api", "query_string": b"",
         "headers": []}


async def _nothing(scope, receive, send) -> None:
    return None


def per_call_us(call, calls: int) -> float:
    began = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - began) / calls * 1e6


def middleware_us(app, calls: int) -> float:
    async def many() -> float:
        began = time.perf_counter()
        for _ in range(calls):
            await app(SCOPE, None, None)
        return (time.perf_counter() - began) / calls * 1e6
    return asyncio.run(many())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    options = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="vcshub-marks-"))
    prefix = f"vcshub-bench-{secrets.token_hex(4)}:"
    backends = [("local (flock)", FileCoordination(root), options.calls),
                ("redis", RedisCoordination(options.redis, root, prefix=prefix),
                 max(1000, options.calls // 50))]
    bare = middleware_us(_nothing, options.calls)
    print(f"{'backend':<14} {'pending() idle':>15} {'pending() busy':>15} "
          f"{'middleware idle':>16} {'no middleware':>14}   (µs per call)")
    for label, shared_state, calls in backends:
        marks = shared_state.bookkeeping_marks()
        idle = per_call_us(marks.pending, calls)
        app = WaitForBookkeeping(_nothing, PushBookkeeping(marks))
        through = middleware_us(app, calls)
        other = (FileCoordination(root) if label.startswith("local")
                 else RedisCoordination(options.redis, root, prefix=prefix))
        mark = other.bookkeeping_marks().begin()
        busy = per_call_us(marks.pending, calls)
        other.bookkeeping_marks().end(mark)
        print(f"{label:<14} {idle:>15.2f} {busy:>15.2f} {through:>16.2f} {bare:>14.2f}")
        other.close()
        shared_state.close()
    client = redis.Redis.from_url(options.redis)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
