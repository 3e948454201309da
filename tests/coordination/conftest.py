"""Both backends of vcshub.coordination, each test with its own (Redis: a key prefix of its own,
deleted afterwards, and a TTL of one second so that a dead holder's leases expire soon)."""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.coordination.holder import REDIS_URL, backend

TTL = 1.0
HOLDER = Path(__file__).with_name("holder.py")


@dataclass
class Backend:
    kind: str
    root: Path
    prefix: str

    def build(self):
        return backend(self.kind, self.root, self.prefix, TTL)

    @property
    def folder(self) -> Path:
        return self.root / "repos" / "r"

    def holder(self, what: str) -> subprocess.Popen:
        """Another process holding ``what`` (see holder.py), once it says so."""
        process = subprocess.Popen(
            [sys.executable, str(HOLDER), self.kind, str(self.root), self.prefix, str(TTL), what],
            stdout=subprocess.PIPE, text=True,
        )
        assert process.stdout.readline().strip() == "held"
        return process


def killed(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def eventually(check: Callable[[], bool], within: float = 10 * TTL) -> bool:
    """Whether ``check`` comes true within ``within`` seconds (a dead holder's Redis lease
    lasts until its TTL has run out)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture(params=["local", "redis"])
def setup(request, tmp_path):
    setup = Backend(request.param, tmp_path, f"vcshub-test-{secrets.token_hex(6)}:")
    setup.folder.mkdir(parents=True)
    yield setup
    if setup.kind == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=setup.prefix + "*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def shared_state(setup):
    built = setup.build()
    yield built
    built.close()
