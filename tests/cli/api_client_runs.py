"""Running ``vcshub-api`` as a real subprocess against a live server, and reading its output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from tests.live_server import free_port

VCSHUB_API = shutil.which("vcshub-api") or str(Path(sys.executable).with_name("vcshub-api"))


def run_api(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``vcshub-api`` with HOME set to ``home`` and no VCSHUB_* variables but ``env``."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("VCSHUB_")}
    full_env.update(HOME=str(home), **env)
    return subprocess.run(
        [VCSHUB_API, *args], env=full_env, capture_output=True, text=True, timeout=60
    )


def flags(server) -> list[str]:
    return [f"--apikey={server.admin_token}", f"--apihost={server.url}"]


def envelope_of(proc: subprocess.CompletedProcess) -> dict:
    reply = json.loads(proc.stdout)
    assert set(reply) >= {"id", "result", "error"}
    return reply


def result_of(proc: subprocess.CompletedProcess):
    assert proc.returncode == 0, proc.stderr
    reply = envelope_of(proc)
    assert reply["error"] is None
    return reply["result"]


def assert_one_line_error(proc: subprocess.CompletedProcess, exit_code: int) -> str:
    assert proc.returncode == exit_code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def create_user(home: Path, server, *extra: str) -> dict:
    username = unique("cli")
    proc = run_api(
        home, *flags(server), "--format=json", "create_user",
        f"username:{username}", f"email:{username}@example.com", *extra,
    )
    return result_of(proc)["user"]
