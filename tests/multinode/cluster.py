"""Two vcshub nodes laid out as a scaled-out site runs them (issue 18, README "Scale out").

Two ``vcshub serve`` processes of two worker processes each, on their own ports, sharing what
the nodes of a site share: one PostgreSQL database, one `vcshub worker` for the background tasks
(Celery, with the Redis below as its broker), one data directory (the repository store
lives in it, as on a shared filesystem; so do the generated secret key that signs sessions and
the file locks) and one Redis. Nothing else is shared: each node has its own processes, its own
memory, its own log (``node-a.log``, ``node-b.log`` in the data dir).

Redis is a database number of its own (``VCSHUB_TEST_REDIS_URL`` overrides it), emptied before
the nodes start and after they stop.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.live_server import (
    VCSHUB, LiveServer, init_instance, launch, stop_servers, wait_until_serving,
)

# The test runner's own knob (as VCSHUB_TEST_POSTGRES_URL), not an application setting. The
# number is this module's alone: tests/services/test_tasks.py takes 12 + the xdist worker's
# number for its Celery brokers, and both run side by side in one suite run.
REDIS_URL = os.environ.get("VCSHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")

# Each node runs this many worker processes: state held in one process's memory is then wrong
# already within a node, not only across nodes.
NODE_WORKERS = "2"

# Two nodes of two processes each keep up to 4 × 2 × this many PostgreSQL connections; the
# database server is shared with the rest of the suite (100 connections by default).
NODE_POOL_SIZE = "4"


@dataclass
class Cluster:
    a: LiveServer
    b: LiveServer
    redis_url: str
    worker: subprocess.Popen | None = None
    worker_log: Path | None = None

    @property
    def nodes(self) -> tuple[LiveServer, LiveServer]:
        return (self.a, self.b)

    @property
    def data_dir(self) -> Path:
        return self.a.data_dir


# An answer 500-599 in uvicorn's access log, or a traceback printed by a node.
_SERVER_ERROR = re.compile(r'" 5\d\d |Traceback')


def server_errors(cluster: Cluster) -> list[str]:
    """What went wrong inside the nodes: the unexpected errors they recorded (one file each in
    the shared data dir's exceptions/ folder), 5xx answers and tracebacks in their logs. A test
    that expects a refusal passes just as well when the refusal hides a crash; this does not."""
    found = [f"recorded: {path.name}" for path in sorted(
        (cluster.data_dir / "exceptions").glob("*")
    )]
    for node in cluster.nodes:
        for line in node.log_path.read_text(errors="replace").splitlines():
            if _SERVER_ERROR.search(line):
                found.append(f"{node.log_path.name}: {line}")
    return found


def redis_unreachable(url: str) -> str | None:
    """Why Redis at ``url`` cannot be used, or None when it answers."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {url} ({error})"
    finally:
        client.close()
    return None


def flush_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@contextmanager
def two_nodes(data_dir: Path, database_url: str, redis_url: str = REDIS_URL) -> Iterator[Cluster]:
    """Initialise one instance, start its two nodes, stop them (and empty Redis) at the end."""
    flush_redis(redis_url)
    settings = {"VCSHUB_REDIS_URL": redis_url, "VCSHUB_DATABASE_POOL_SIZE": NODE_POOL_SIZE,
                # background tasks go to the worker, through Redis as the Celery broker
                "VCSHUB_TASK_BROKER_URL": redis_url,
                # a fork of the test's 20,000-commit repository is a task
                "VCSHUB_FORK_IN_BACKGROUND_BYTES": "1000000"}
    instance = init_instance(data_dir, database_url, **settings)
    started: list[LiveServer] = []
    worker = None
    try:
        for name in ("a", "b"):  # both start at once: half the wait
            node = dataclasses.replace(instance, env=dict(instance.env))
            started.append(launch(node, "--workers", NODE_WORKERS, log_name=f"node-{name}.log"))
        worker_log = data_dir / "worker.log"
        worker = start_worker(instance.env, worker_log)
        for node in started:
            wait_until_serving(node)
        yield Cluster(a=started[0], b=started[1], redis_url=redis_url, worker=worker,
                      worker_log=worker_log)
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(60)
        stop_servers(started)
        flush_redis(redis_url)


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """`vcshub worker` with the nodes' settings (its own process group: killed whole)."""
    with log_path.open("ab") as log:
        return subprocess.Popen([VCSHUB, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
