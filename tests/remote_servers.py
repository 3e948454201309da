"""Stand-in remotes on this machine for the remote clone tests: a TCP server that accepts and
never answers. Only 127.0.0.1 is ever listened on or connected to."""

from __future__ import annotations

import contextlib
import socket
import threading


class SilentServer:
    """Accepts connections on 127.0.0.1 and sends nothing until :meth:`close`.

    ``connected`` is set at the first connection; ``count`` says how many arrived.
    """

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(32)
        self.port = self._listener.getsockname()[1]
        self.connected = threading.Event()
        self.count = 0
        self._held: list[socket.socket] = []
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._held.append(conn)
            self.count += 1
            self.connected.set()

    def url(self, scheme: str = "http", host: str = "127.0.0.1", path: str = "repo") -> str:
        return f"{scheme}://{host}:{self.port}/{path}"

    def close(self) -> None:
        """Drop every connection (the clients see the remote hang up) and stop listening."""
        self._closed = True
        for conn in [*self._held, self._listener]:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class RedirectingServer:
    """An HTTP server on 127.0.0.1 that answers every GET with a redirect to ``target``."""

    def __init__(self, target: str) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Redirect(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                self.send_response(301)
                self.send_header("Location", target + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RedirectingServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class GatedServer:
    """A TCP stand-in on 127.0.0.1 for a real server at ``target_port``: while the gate is
    shut, connections are accepted and held without a byte (a remote that hangs); once
    :meth:`open`, new connections are forwarded to the real server both ways."""

    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(32)
        self.port = self._listener.getsockname()[1]
        self.connected = threading.Event()
        self._open = threading.Event()
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def open(self) -> None:
        self._open.set()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connected.set()
            if not self._open.is_set():
                self._held.append(conn)
                continue
            upstream = socket.create_connection(self._target)
            for source, sink in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        for conn in [*self._held, self._listener]:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def __enter__(self) -> GatedServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
