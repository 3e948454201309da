"""Git and Mercurial over HTTP through vcshub, against the tools' own HTTP servers.

Builds once (cached in ``--cache-dir``) a bare git repository with ``git fast-import``: a linear
history of ``--commits`` commits (default 50,000) over 2,000 files, each commit rewriting one
file with fresh text, sized so that the packed repository is about ``--size-mb`` (default
200 MiB; the exact figure is printed), then packed as ``git gc`` leaves it (one pack with a
bitmap, packed refs, a commit-graph). A second bare repository, a local clone of the first,
gets ``--push-commits`` (default 1,000) more commits on master: the push source. The Mercurial
repository holds the same content stream, written with Mercurial's API (``memctx`` commits in
one transaction, ~2 minutes for the default size), at ``--hg-size-mb`` / ``--hg-commits``
(defaults: the same 200 MiB / 50,000 as git); its push source likewise. As in a repository
served by a publishing server, its changesets are made public (the push source's as well, so
that every push run does the same) and its caches are filled (``hg debugupdatecaches``).

Servers:

* vcshub: the real CLI (the test suite's ``start_server``: SQLite, one uvicorn worker). The
  repositories are copied into its storage (git packs hard-linked, hg copied) and registered
  with ``rescan_repos``, which also builds what a long-lived repository has cached (summary,
  git commit index). Clients authenticate with the admin's API token in the URL.
* git baseline: ``git http-backend`` behind a minimal CGI server written here on
  ``http.server`` (streams the request body into the CGI and its output back), in a process of
  its own, serving the very same folder for clones. Like http-backend's documented setups it
  asks for a login (Basic, any credentials accepted) before a push, so git makes the same
  401 round trip as with vcshub.
* hg baseline: ``hg serve``, on the very same folder for clones. vcshub checks that pushed
  changesets are complete (``server.validate``, off by default in hg): the push target compares
  with ``hg serve --config server.validate=true``; plain ``hg serve`` is shown beside it.

Measured, the two servers alternating:

* full clone: ``git clone --bare`` / ``hg clone -U``, best of ``--runs`` (default 3) — no
  checkout: client work that does not involve the server is left out, making the ratio stricter;
* a push of ``--push-commits`` commits, best of ``--push-runs`` (default 5), each into a fresh
  copy of the server's repository (prepared, and registered, before the timing starts);
* ``--concurrent`` (default 32) ``git clone --bare`` through vcshub started at once: errors
  (non-zero exit or a wrong master) and the total time.

Besides wall time (the targets), the server's CPU time per operation is shown (its own and
its children's: git, http-backend): the machine may be shared with another benchmark, whose
load (printed with each phase) makes wall times noisy; CPU time hardly depends on it.

Usage: python benchmarks/transport.py [--size-mb 200] [--commits 50000] [--push-commits 1000]
           [--hg-size-mb 200] [--hg-commits 50000] [--runs 3] [--push-runs 5]
           [--concurrent 32] [--cache-dir DIR] [--parts git,hg,concurrent]
Quick trial: --size-mb 10 --commits 2000 --push-commits 100 --hg-size-mb 5 --hg-commits 1000
Targets: vcshub / baseline <= 1.05 for git, <= 1.10 for hg; concurrent clones: zero errors.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
HG = shutil.which("hg") or str(Path(sys.executable).with_name("hg"))
GIT_TARGET, HG_TARGET = 1.05, 1.10
HG_SIZE_MB, HG_COMMITS = 200, 50_000
DIRS, FILES_PER_DIR = 40, 50
LINE_POOL = 100_000
MEAN_LINE = 58.5  # bytes, of the generated lines
TEXT_RATIO = 1.72  # zlib ratio of the generated text
COMMIT_OVERHEAD = 400  # packed bytes of a commit and its two trees, roughly
BASE_TS = 1_700_000_000
CHUNK = 64 * 1024
CONTENT_VERSION = 2  # part of the cached repositories' names: change it with Content


# -- content ---------------------------------------------------------------------------------


class Content:
    """A deterministic stream of commits: each one rewrites one file with fresh text lines."""

    def __init__(self, seed: int, size_mb: float, commits: int) -> None:
        self.rng = random.Random(seed)
        words = [
            "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyz_", k=self.rng.randint(2, 10)))
            for _ in range(8000)
        ]
        self.lines = [
            "    " * self.rng.randint(0, 3) + " ".join(self.rng.choices(words, k=self.rng.randint(3, 12)))
            + "\n"
            for _ in range(LINE_POOL)
        ]
        per_commit = size_mb * 1024 * 1024 / commits - COMMIT_OVERHEAD
        self.mean_lines = max(2, round(per_commit * TEXT_RATIO / MEAN_LINE))

    def commit(self, n: int) -> tuple[str, bytes, bytes, int]:
        """(path, file body, message, timestamp) of commit number ``n``."""
        rng = self.rng
        slot = (n * 7919) % (DIRS * FILES_PER_DIR)  # 7919: prime, so every file comes up in turn
        path = f"src/pkg{slot // FILES_PER_DIR}/module{slot % FILES_PER_DIR}.py"
        k = rng.randint(self.mean_lines // 2, self.mean_lines * 3 // 2)
        body = "".join(rng.choices(self.lines, k=k)).encode()
        message = f"change {n}: {rng.choice(self.lines).strip()}\n".encode()
        return path, body, message, BASE_TS + n * 60


def fast_import(git_dir: Path, content: Content, first: int, count: int, on_top: bool) -> None:
    feed = subprocess.Popen(
        ["git", "--git-dir", str(git_dir), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
    )
    write = feed.stdin.write
    for n in range(first, first + count):
        path, body, message, ts = content.commit(n)
        write(b"commit refs/heads/master\n")
        write(f"author Bench User {n % 50} <user{n % 50}@example.com> {ts} +0000\n".encode())
        write(f"committer Bench <bench@example.com> {ts} +0000\n".encode())
        write(f"data {len(message)}\n".encode() + message)
        if on_top and n == first:
            write(b"from refs/heads/master^0\n")
        write(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
    write(b"done\n")
    feed.stdin.close()
    if feed.wait() != 0:
        raise SystemExit("git fast-import failed")


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def build_git(cache: Path, size_mb: float, commits: int, push_commits: int) -> tuple[Path, Path]:
    """The cached bare repository and its push source (``push_commits`` more on master)."""
    tag = f"git-{size_mb:g}mb-{commits}c-v{CONTENT_VERSION}"
    source, pusher = cache / f"{tag}.git", cache / f"{tag}-push{push_commits}.git"
    if not (cache / f"{tag}.complete").exists():
        shutil.rmtree(source, ignore_errors=True)
        print(f"building {source} ...", flush=True)
        began = time.perf_counter()
        subprocess.run(["git", "init", "--quiet", "--bare", str(source)], check=True)
        fast_import(source, Content(1, size_mb, commits), 0, commits, on_top=False)
        # what `git gc` leaves: one pack with a bitmap, packed refs, a commit-graph
        git(source, "repack", "-a", "-d", "-q", "--write-bitmap-index")
        git(source, "pack-refs", "--all")
        git(source, "commit-graph", "write", "--reachable")
        git(source, "prune-packed")
        print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)
        (cache / f"{tag}.complete").write_text("ok\n")
    if not (cache / f"{tag}-push{push_commits}.complete").exists():
        shutil.rmtree(pusher, ignore_errors=True)
        subprocess.run(["git", "clone", "--quiet", "--bare", str(source), str(pusher)], check=True)
        fast_import(pusher, Content(2, size_mb, commits), commits, push_commits, on_top=True)
        (cache / f"{tag}-push{push_commits}.complete").write_text("ok\n")
    return source, pusher


def hg_commits(repo_path: Path, content: Content, first: int, count: int) -> None:
    """``count`` commits on top of the tip, in one transaction, with Mercurial's API."""
    from mercurial import context, hg
    from mercurial import ui as uimod

    ui = uimod.ui()
    ui.setconfig(b"ui", b"quiet", b"true", b"bench")
    repo = hg.repository(ui, os.fsencode(str(repo_path)), create=not repo_path.exists())
    with repo.wlock(), repo.lock(), repo.transaction(b"bench"):
        parent = repo[b"tip"].node()
        for n in range(first, first + count):
            path, body, message, ts = content.commit(n)

            def file_ctx(repo, memctx, name, body=body):
                return context.memfilectx(repo, memctx, name, body)

            parent = context.memctx(
                repo, (parent, None), message, [path.encode()], file_ctx,
                user=f"Bench User {n % 50} <user{n % 50}@example.com>".encode(), date=(ts, 0),
            ).commit()


def build_hg(cache: Path, size_mb: float, commits: int, push_commits: int) -> tuple[Path, Path]:
    tag = f"hg-{size_mb:g}mb-{commits}c-v{CONTENT_VERSION}"
    source, pusher = cache / tag, cache / f"{tag}-push{push_commits}"
    if not (cache / f"{tag}.complete").exists():
        shutil.rmtree(source, ignore_errors=True)
        print(f"building {source} ...", flush=True)
        began = time.perf_counter()
        hg_commits(source, Content(1, size_mb, commits), 0, commits)
        print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)
        (cache / f"{tag}.complete").write_text("ok\n")
    if not (cache / f"{tag}-push{push_commits}.complete").exists():
        shutil.rmtree(pusher, ignore_errors=True)
        run([HG, "clone", "-U", "-q", str(source), str(pusher)])
        hg_commits(pusher, Content(2, size_mb, commits), commits, push_commits)
        (cache / f"{tag}-push{push_commits}.complete").write_text("ok\n")
    return source, pusher


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


# -- copies of the server repositories --------------------------------------------------------


def copy_git(source: Path, target: Path) -> None:
    """A bare repository at ``target`` holding ``source``: packs hard-linked, refs copied."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(target)], check=True)
    for folder in ("objects/pack", "objects/info"):
        (target / folder).mkdir(parents=True, exist_ok=True)
        for item in (source / folder).iterdir():
            if item.is_file() and not (target / folder / item.name).exists():
                os.link(item, target / folder / item.name)
    shutil.copy(source / "packed-refs", target / "packed-refs")
    shutil.copy(source / "HEAD", target / "HEAD")


def copy_hg(source: Path, target: Path) -> None:
    """A real copy (hg appends to its revlogs: breaking hard links would be counted in a push)."""
    shutil.copytree(source, target, symlinks=True)


# -- clients ------------------------------------------------------------------------------------


def client_env(home: Path) -> dict[str, str]:
    """No configuration from the machine, no prompts (as tests/transport/clients.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HG", "VCSHUB_"))}
    env.update(
        HOME=str(home), LC_ALL="C", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0", HGPLAIN="1", HGRCPATH=os.devnull,
        HGUSER="Bench <bench@example.com>",
    )
    return env


ENV: dict[str, str] = {}


def run(args: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=ENV or None, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result


def with_credentials(url: str, username: str, secret: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{quote(username, safe='')}:{quote(secret, safe='')}@{rest}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


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
    """``--serve-cgi ROOT``: the baseline server, in a process of its own (its CPU time, with
    its children's, is then its own)."""
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
                [sys.executable, __file__, "--serve-cgi", str(folder)], env=ENV,
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


# -- measuring ----------------------------------------------------------------------------------


class Sample:
    """One timed client command: wall time, and the CPU time the server spent meanwhile."""

    def __init__(self, wall: float, server_cpu: float) -> None:
        self.wall, self.server_cpu = wall, server_cpu


def measure(args: list[str], server_pid: int) -> Sample:
    before = cpu_seconds(server_pid)
    began = time.perf_counter()
    run(args)
    wall = time.perf_counter() - began
    time.sleep(0.2)  # let the server reap its last child
    return Sample(wall, cpu_seconds(server_pid) - before)


@dataclass
class Row:
    what: str
    target: float | None  # None: shown for information
    baseline: list[Sample]
    vcshub: list[Sample]

    @property
    def ratio(self) -> float:
        return min(s.wall for s in self.vcshub) / min(s.wall for s in self.baseline)


def alternate(runs: int, *sides: Callable[[int], Sample]) -> list[list[Sample]]:
    """Every side ``runs`` times, each run in another order (a rotation, then reversed)."""
    samples: list[list[Sample]] = [[] for _ in sides]
    for i in range(runs):
        order = list(range(len(sides)))
        order = order[i % len(order):] + order[:i % len(order)]
        for side in order if i % 2 == 0 else reversed(order):
            samples[side].append(sides[side](i))
    return samples


def walls(samples: list[Sample]) -> str:
    return "/".join(f"{s.wall:.2f}" for s in samples)


def git_head(folder: Path) -> str:
    return git(folder, "rev-parse", "refs/heads/master")


def hg_tip(folder: Path) -> str:
    return run([HG, "-R", str(folder), "log", "-r", "tip", "-T", "{node}"]).stdout


class Bench:
    def __init__(self, options, work: Path, server) -> None:
        self.options, self.work, self.server = options, work, server
        self.storage = server.data_dir / "repos"
        self.http = httpx.Client(timeout=600)
        self.rows: list[Row] = []
        self._n = 0

    def api(self, method: str, **args) -> object:
        body = {"id": 1, "auth_token": self.server.admin_token, "method": method, "args": args}
        reply = self.http.post(self.server.api_url, json=body).json()
        if reply["error"] is not None:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def vcshub_url(self, name: str) -> str:
        """With the admin's API token: what a CI job would use."""
        return with_credentials(f"{self.server.url}/{name}", self.server.admin_username,
                                self.server.admin_token)

    def scratch(self, label: str) -> Path:
        self._n += 1
        return self.work / f"{label}{self._n}"

    def record(self, row: Row) -> None:
        self.rows.append(row)
        cpu = (f"server CPU {min(s.server_cpu for s in row.baseline):.2f}s vs "
               f"{min(s.server_cpu for s in row.vcshub):.2f}s")
        print(f"  {row.what}: ratio {row.ratio:.3f}; runs {walls(row.baseline)} vs "
              f"{walls(row.vcshub)}; {cpu}; {load()}", flush=True)

    def clone(self, command: list[str], head: Callable[[Path], str], expected: str,
              server_pid: int) -> Sample:
        target = self.scratch("clone")
        sample = measure([*command, str(target)], server_pid)
        found = head(target)
        shutil.rmtree(target)
        if found != expected:
            raise RuntimeError(f"{' '.join(command)}: got {found}, not {expected}")
        return sample

    def push(self, command: list[str], head: Callable[[Path], str], target: Path,
             expected: str, server_pid: int) -> Sample:
        sample = measure(command, server_pid)
        if head(target) != expected:
            raise RuntimeError(f"{' '.join(command)} did not arrive in {target}")
        return sample

    # -- setting up: the repositories are copied into vcshub's storage and registered with
    # rescan_repos, which also fills the caches a long-lived repository has (summary, git
    # commit index)

    def prepare(self, git_source: Path | None, hg_source: Path | None) -> None:
        runs = self.options.push_runs
        if git_source is not None:
            copy_git(git_source, self.storage / "bench" / "git")
            self.git_push_root = self.work / "git-push-baseline"
            self.git_push_root.mkdir()
            for i in range(runs):
                copy_git(git_source, self.storage / "bench" / f"git-push{i}")
                copy_git(git_source, self.git_push_root / f"push{i}.git")
        if hg_source is not None:
            copy_hg(hg_source, self.storage / "bench" / "hg")
            for i in range(runs):
                copy_hg(hg_source, self.storage / "bench" / f"hg-push{i}")
                copy_hg(hg_source, self.work / f"hg-push{i}")
                copy_hg(hg_source, self.work / f"hg-plain-push{i}")
        began = time.perf_counter()
        added = self.api("rescan_repos")["added"]
        print(f"registered {len(added)} repositories with rescan_repos in "
              f"{time.perf_counter() - began:.1f}s", flush=True)

    # -- git

    def git_part(self, source: Path, pusher: Path) -> None:
        options, pid = self.options, self.server.process.pid
        head, pushed = git_head(source), git_head(pusher)
        clone = ["git", "clone", "--quiet", "--bare"]
        if options.runs:
            with Baseline("git", self.storage) as cgi:  # the very same folder
                print(f"git clone, best of {options.runs} ({load()})", flush=True)
                theirs, ours = alternate(
                    options.runs,
                    lambda i: self.clone([*clone, cgi.url + "bench/git"], git_head, head, cgi.pid),
                    lambda i: self.clone([*clone, self.vcshub_url("bench/git")], git_head, head,
                                         pid),
                )
            self.record(Row("git clone", GIT_TARGET, theirs, ours))

        push = ["git", "--git-dir", str(pusher), "push", "--quiet"]
        with Baseline("git", self.git_push_root) as cgi:
            print(f"git push of {options.push_commits} commits, best of {options.push_runs} "
                  f"({load()})", flush=True)

            def baseline_push(i: int) -> Sample:
                url = with_credentials(f"{cgi.url}push{i}.git", "bench", "any-password")
                return self.push([*push, url, "master"], git_head,
                                 self.git_push_root / f"push{i}.git", pushed, cgi.pid)

            def vcshub_push(i: int) -> Sample:
                return self.push([*push, self.vcshub_url(f"bench/git-push{i}"), "master"],
                                 git_head, self.storage / "bench" / f"git-push{i}", pushed, pid)

            theirs, ours = alternate(options.push_runs, baseline_push, vcshub_push)
        self.record(Row(f"git push {options.push_commits}", GIT_TARGET, theirs, ours))

    # -- hg

    def hg_part(self, source: Path, pusher: Path) -> None:
        options, pid = self.options, self.server.process.pid
        tip, pushed = hg_tip(source), hg_tip(pusher)
        clone = [HG, "clone", "-U", "-q"]
        if options.runs:
            with Baseline("hg", self.storage / "bench" / "hg") as serve:  # the very same folder
                print(f"hg clone, best of {options.runs} ({load()})", flush=True)
                theirs, ours = alternate(
                    options.runs,
                    lambda i: self.clone([*clone, serve.url], hg_tip, tip, serve.pid),
                    lambda i: self.clone([*clone, self.vcshub_url("bench/hg")], hg_tip, tip, pid),
                )
            self.record(Row("hg clone", HG_TARGET, theirs, ours))

        push = [HG, "-R", str(pusher), "push", "-q"]

        def baseline_push(label: str, config: tuple[str, ...]) -> Callable[[int], Sample]:
            def run_push(i: int) -> Sample:
                folder = self.work / f"{label}{i}"
                with Baseline("hg", folder, config) as serve:
                    return self.push([*push, serve.url], hg_tip, folder, pushed, serve.pid)

            return run_push

        def vcshub_push(i: int) -> Sample:
            return self.push([*push, self.vcshub_url(f"bench/hg-push{i}")], hg_tip,
                             self.storage / "bench" / f"hg-push{i}", pushed, pid)

        print(f"hg push of {options.push_commits} changesets, best of {options.push_runs} "
              f"({load()})", flush=True)
        # vcshub checks that every pushed changeset is complete (server.validate): the target
        # compares with hg serve doing the same; plain hg serve (no check) is shown beside it
        theirs, ours, plain = alternate(
            options.push_runs,
            baseline_push("hg-push", ("server.validate=true",)),
            vcshub_push,
            baseline_push("hg-plain-push", ()),
        )
        self.record(Row(f"hg push {options.push_commits}", HG_TARGET, theirs, ours))
        self.record(Row("  vs plain serve", None, plain, ours))

    # -- concurrency

    def concurrent_part(self, source: Path) -> tuple[int, float, list[float]]:
        count = self.options.concurrent
        head = git_head(source)
        url = self.vcshub_url("bench/git")
        print(f"{count} concurrent git clones through vcshub ({load()})", flush=True)
        targets = [self.scratch("parallel") for _ in range(count)]
        finished: list[float] = [0.0] * count
        failures: list[str] = []
        began = time.perf_counter()

        def clone(i: int) -> None:
            result = subprocess.run(["git", "clone", "--quiet", "--bare", url, str(targets[i])],
                                    env=ENV, capture_output=True, text=True, check=False)
            finished[i] = time.perf_counter() - began
            if result.returncode != 0:
                failures.append(f"clone {i} exited {result.returncode}: {result.stderr[-300:]}")
            elif git_head(targets[i]) != head:
                failures.append(f"clone {i} has the wrong master")

        threads = [threading.Thread(target=clone, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = time.perf_counter() - began
        for failure in failures:
            print("  " + failure, flush=True)
        for target in targets:
            shutil.rmtree(target, ignore_errors=True)
        print(f"  {count} clones, {len(failures)} errors: first done after {min(finished):.1f}s, "
              f"all after {total:.1f}s ({load()})", flush=True)
        return len(failures), total, finished


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--push-commits", type=int, default=1000)
    parser.add_argument("--hg-size-mb", type=float, default=HG_SIZE_MB)
    parser.add_argument("--hg-commits", type=int, default=HG_COMMITS)
    parser.add_argument("--runs", type=int, default=3,
                        help="clones per server (best shown; 0: pushes only)")
    parser.add_argument("--push-runs", type=int, default=5, help="pushes per server (best shown)")
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "vcshub-bench-transport")
    parser.add_argument("--parts", default="git,hg,concurrent")
    parser.add_argument("--serve-cgi", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve_cgi:
        serve_cgi(options.serve_cgi)
        return 0
    parts = set(options.parts.split(","))
    began = time.perf_counter()
    print(f"start: {load()} on {os.cpu_count()} CPUs", flush=True)
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vcshub-bench-transport-"))
    (work / "home").mkdir()
    ENV.update(client_env(work / "home"))
    git_source = git_pusher = hg_source = hg_pusher = None
    sizes = []
    if parts & {"git", "concurrent"}:
        git_source, git_pusher = build_git(options.cache_dir, options.size_mb, options.commits,
                                           options.push_commits)
        commits = int(git(git_source, "rev-list", "--count", "master"))
        sizes.append(f"git: {commits} commits, {folder_mb(git_source):.1f} MB packed, "
                     f"{int(git(git_source, 'ls-tree', '-r', '--name-only', 'master').count(chr(10))) + 1}"
                     f" files at master; push: +{options.push_commits} commits")
    if "hg" in parts:
        hg_source, hg_pusher = build_hg(options.cache_dir, options.hg_size_mb, options.hg_commits,
                                        options.push_commits)
        # as on a publishing server, everything is public (the push source's changesets too:
        # its first push would make them so, and every run must push the same way)
        for folder in (hg_source, hg_pusher):
            run([HG, "-R", str(folder), "phase", "--public", "-r", "tip"])
        for folder in (hg_source, hg_pusher):  # the caches a served repository has
            run([HG, "-R", str(folder), "debugupdatecaches"])
        changesets = int(run([HG, "-R", str(hg_source), "log", "-r", "tip", "-T", "{rev}"]).stdout) + 1
        sizes.append(f"hg: {changesets} changesets, {folder_mb(hg_source / '.hg'):.1f} MB store; "
                     f"push: +{options.push_commits} changesets")
    for line in sizes:
        print(line, flush=True)

    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import start_server

    data_dir = work / "vcshub-data"
    data_dir.mkdir()
    server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}")
    bench = Bench(options, work, server)
    concurrent = None
    try:
        bench.prepare(git_source, hg_source if "hg" in parts else None)
        if "git" in parts:
            bench.git_part(git_source, git_pusher)
        if "hg" in parts:
            bench.hg_part(hg_source, hg_pusher)
        if "concurrent" in parts:
            concurrent = bench.concurrent_part(git_source)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'; '.join(sizes)}")
    print(f"wall time, best of {options.runs} clones / {options.push_runs} pushes per server "
          f"(server CPU: least of the runs); {load()}")
    print(f"{'':<15} {'baseline':>9} {'vcshub':>9} {'ratio':>6} {'target':>8}  {'result':<6} "
          f"{'server CPU':>11} {'':>6}")
    failed = False
    for row in bench.rows:
        ok = row.target is None or row.ratio <= row.target
        failed |= not ok
        base, ours = min(s.wall for s in row.baseline), min(s.wall for s in row.vcshub)
        target = "" if row.target is None else "<= " + format(row.target, ".2f")
        result = "info" if row.target is None else "PASS" if ok else "FAIL"
        print(f"{row.what:<15} {base:>8.2f}s {ours:>8.2f}s {row.ratio:>6.3f} "
              f"{target:>8}  {result:<6} "
              f"{min(s.server_cpu for s in row.baseline):>5.2f}s vs "
              f"{min(s.server_cpu for s in row.vcshub):.2f}s")
    if concurrent is not None:
        errors, total, finished = concurrent
        failed |= errors != 0
        print(f"{options.concurrent} concurrent git clones: {errors} errors, all done in "
              f"{total:.1f}s (first after {min(finished):.1f}s)  {'PASS' if errors == 0 else 'FAIL'}")
    print(f"baselines: git http-backend behind a Python CGI server, hg serve (pushes: with "
          f"server.validate=true as vcshub, and plain); "
          f"total {time.perf_counter() - began:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
