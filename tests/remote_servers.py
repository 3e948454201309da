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
