"""Fixtures of the command-line client tests: an isolated home directory, stand-in servers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An isolated HOME, so ~/.rhoderc is the test's own."""
    directory = tmp_path / "home"
    directory.mkdir()
    return directory


class _StubHandler(BaseHTTPRequestHandler):
    """Answers every POST with 200 and ``server.respond(request body)``: (content type, body)."""

    def do_POST(self):  # noqa: N802 - http.server naming
        content_type, body = self.server.respond(
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
        )
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_server():
    """``stub_server(respond)`` starts a server answering POSTs with ``respond``; has ``.url``."""
    servers = []

    def start(respond: Callable[[bytes], tuple[str, bytes]]) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _StubHandler)
        server.respond = respond
        server.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
