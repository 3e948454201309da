"""The servers vcshub is compared with: ``git http-backend`` behind a minimal CGI server, and
``hg serve``.

The CGI server runs in a process of its own (``python transport_baselines.py ROOT``), so that
its CPU time, with its children's, is its own.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import httpx

from transport_repos import CHUNK, ENV, HG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



# -- the git baseline: git http-backend as a CGI ----------------------------------------------


class GitCgiHandler(BaseHTTPRequestHandler):
    """Runs ``git http-backend`` for each request as a CGI/1.1 script would be run."""

    protocol_version = "HTTP/1.1"
    server: GitCgiServer

    def do_GET(self) -> None:
        self._cgi()

    def do_POST(self) -> None:
        self._cgi()

    def log_message(self, format, *args) -> None:
        pass

    def _cgi(self) -> None:
        path, _, query = self.path.partition("?")
        user = self._user()
        if user is None and (path.endswith("/git-receive-pack") or "service=git-receive-pack" in query):
            # as git-http-backend's documented setups: pushes need a login (any one, here)
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="bench"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.server.project_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": self.request_version,
            "SERVER_SOFTWARE": "bench-cgi",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0],
        }
        if user is not None:
            env["REMOTE_USER"], env["AUTH_TYPE"] = user, "Basic"  # lets http-backend accept pushes
        for header, variable in (("Content-Type", "CONTENT_TYPE"),
                                 ("Content-Length", "CONTENT_LENGTH"),
                                 ("Content-Encoding", "HTTP_CONTENT_ENCODING"),
                                 ("Git-Protocol", "HTTP_GIT_PROTOCOL")):
            if self.headers.get(header):
                env[variable] = self.headers[header]
        length = int(self.headers.get("Content-Length") or 0)
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        process = subprocess.Popen(
            ["git", "http-backend"], env=env, stdout=subprocess.PIPE,
            stdin=subprocess.PIPE if length or chunked else subprocess.DEVNULL,
        )
        feeder = None
        if length or chunked:
            feeder = threading.Thread(target=self._feed, args=(process.stdin, length, chunked))
            feeder.start()
        status, headers = 200, []
        while (line := process.stdout.readline()) not in (b"", b"\n", b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "status":
                status = int(value.split()[0])
            else:
                headers.append((name.strip(), value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")  # the body ends when the CGI's output does
        self.end_headers()
        try:
            while chunk := process.stdout.read1(CHUNK):
                self.wfile.write(chunk)
        finally:
            process.stdout.close()
            process.wait()
            if feeder is not None:
                feeder.join()
        self.close_connection = True

    def _user(self) -> str | None:
        scheme, _, credentials = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            return base64.b64decode(credentials).decode().partition(":")[0] or None
        except ValueError:
            return None

    def _feed(self, stdin, length: int, chunked: bool) -> None:
        try:
            if chunked:
                while size := int(self.rfile.readline().split(b";")[0], 16):
                    self._copy(stdin, size)
                    self.rfile.readline()
                while self.rfile.readline() not in (b"", b"\r\n", b"\n"):  # trailers
                    pass
            else:
                self._copy(stdin, length)
        except (BrokenPipeError, ConnectionError, ValueError):
            pass
        finally:
            try:
                stdin.close()
            except BrokenPipeError:
                pass

    def _copy(self, stdin, size: int) -> None:
        while size > 0:
            data = self.rfile.read(min(size, CHUNK))
            if not data:
                raise ConnectionError("request body cut short")
            stdin.write(data)
            size -= len(data)


class GitCgiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, project_root: Path) -> None:
        self.project_root = project_root
        super().__init__(("127.0.0.1", 0), GitCgiHandler)


def serve_cgi(project_root: Path) -> None:
    """The baseline git server on ``project_root``; prints its URL, serves until killed."""
    server = GitCgiServer(project_root)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


# -- servers ------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system time of a process and of the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class Baseline:
    """A baseline server process: ``git http-backend`` behind the CGI server, or ``hg serve``."""

    def __init__(self, kind: str, folder: Path, hg_config: tuple[str, ...] = ()) -> None:
        if kind == "git":
            self.process = subprocess.Popen(
                [sys.executable, __file__, str(folder)], env=ENV,
                stdout=subprocess.PIPE, text=True,
            )
            self.url = self.process.stdout.readline().strip() + "/"
            return
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [HG, "serve", "-R", str(folder), "-a", "127.0.0.1", "-p", str(port),
             "--config", "web.push_ssl=false", "--config", "web.allow-push=*",
             *(arg for item in hg_config for arg in ("--config", item)),
             "--accesslog", os.devnull, "--errorlog", os.devnull],
            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "?cmd=capabilities", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("hg serve did not start")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self) -> Baseline:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()



if __name__ == "__main__":
    serve_cgi(Path(sys.argv[1]))
