"""A real vcshub server (the installed CLI, uvicorn) on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

VCSHUB = shutil.which("vcshub") or str(Path(sys.executable).with_name("vcshub"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    database_url: str
    admin_username: str
    admin_password: str
    admin_token: str
    env: dict[str, str]
    process: subprocess.Popen | None = None
    log_path: Path | None = None  # what ``vcshub serve`` prints

    @property
    def api_url(self) -> str:
        return f"{self.url}/_admin/api"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run the ``vcshub`` command against this server's data directory and database."""
        return subprocess.run(
            [VCSHUB, *args], env=self.env, capture_output=True, text=True, check=check, timeout=120
        )

    def stop(self) -> None:
        stop_servers([self])


def stop_servers(servers: list[LiveServer]) -> None:
    """Ask every running server to stop, then wait for each (several nodes stop side by side)."""
    running = [s.process for s in servers if s.process and s.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGINT)
    for process in running:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def server_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCSHUB_")}
    env.update(VCSHUB_DATA_DIR=str(data_dir), VCSHUB_DATABASE_URL=database_url, **extra)
    return env


def start_server(data_dir: Path, database_url: str, **settings: str) -> LiveServer:
    """Initialise the instance with the CLI, create an API token, start ``vcshub serve``."""
    return serve(init_instance(data_dir, database_url, **settings))


def init_instance(data_dir: Path, database_url: str, **settings: str) -> LiveServer:
    """``vcshub init`` and an admin API token: an instance ready to serve, not serving yet."""
    env = server_env(data_dir, database_url, **settings)
    server = LiveServer(
        url="",
        data_dir=data_dir,
        database_url=database_url,
        admin_username="admin",
        admin_password="admin-secret-1",
        admin_token="",
        env=env,
    )
    server.cli(
        "init",
        "--admin-username", server.admin_username,
        "--admin-password", server.admin_password,
        "--admin-email", "admin@example.com",
    )
    server.admin_token = server.cli("token", "create", "admin", "--role", "all").stdout.strip()
    return server


def serve(server: LiveServer, *options: str, log_name: str = "server.log") -> LiveServer:
    """Start ``vcshub serve`` (with ``options``) for an initialised instance on a free port, and
    wait until it answers."""
    return wait_until_serving(launch(server, *options, log_name=log_name))


def launch(server: LiveServer, *options: str, log_name: str = "server.log") -> LiveServer:
    """Start ``vcshub serve`` without waiting for it. Another call with a copy of the same
    instance starts another node on the same database and data dir; ``log_name`` (in the data
    dir) keeps their logs apart."""
    port = free_port()
    log = open(server.data_dir / log_name, "ab")  # noqa: SIM115 - lives as long as the process
    server.process = subprocess.Popen(
        [VCSHUB, "serve", "--port", str(port), *options],
        env=server.env, stdout=log, stderr=subprocess.STDOUT,
    )
    server.url = f"http://127.0.0.1:{port}"
    server.log_path = server.data_dir / log_name
    return server


def wait_until_serving(server: LiveServer) -> LiveServer:
    # generous: each of the worker processes imports the whole application, and a busy
    # machine (the suite runs two test processes beside the servers) takes its time
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log_path.read_text()}")
        try:
            httpx.get(server.url + "/", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("server did not start in 90 s")
