"""A process that takes one coordination primitive, says so and keeps it until it is killed
(tests of what a dead holder leaves behind).

    python holder.py BACKEND ROOT PREFIX TTL WHAT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from vcshub.coordination import FileCoordination, RedisCoordination

REDIS_URL = "redis://127.0.0.1:6379/0"


def backend(kind: str, root: Path, prefix: str, ttl: float):
    if kind == "local":
        return FileCoordination(root)
    return RedisCoordination(REDIS_URL, root / "repos", prefix=prefix, ttl=ttl)


def main(kind: str, root: str, prefix: str, ttl: str, what: str) -> None:
    shared_state = backend(kind, Path(root), prefix, float(ttl))
    folder = Path(root) / "repos" / "r"
    if what == "exclusive":
        held = shared_state.exclusive(folder, 0)
    elif what == "shared":
        held = shared_state.shared(folder, 0)
    elif what == "slot":
        held = shared_state.semaphore("slots", 1).slot()
    elif what == "leader":
        held = None
        assert shared_state.leadership("jobs").leads()
    else:
        held = None
        shared_state.bookkeeping_marks().begin()
    if held is not None:
        assert held.__enter__()
    print("held", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(*sys.argv[1:])
