"""Git and Mercurial over HTTP through vcshub, against the tools' own HTTP servers.

Builds once (cached in ``--cache-dir``) a bare git repository with ``git fast-import``: a linear
history of ``--commits`` commits (default 50,000) over 2,000 files, each commit rewriting one
file with fresh text, sized so that the repacked repository is about ``--size-mb`` (default
200 MB; the exact figure is printed). A second bare repository, a local clone of the first,
gets ``--push-commits`` (default 1,000) more commits on top of master: the push source. The
Mercurial repositories are written with Mercurial's own API (``memctx`` commits in one
transaction) from the same content generator, at ``--hg-size-mb`` / ``--hg-commits``
(defaults 50 MB / 12,500 commits: Mercurial writes ~150 commits/s here, so the git-sized
repository would take 6+ minutes to build and each hg clone of it ~40 s), plus an hg push
source with ``--push-commits`` more.

Servers:

* vcshub: the real CLI (the test suite's ``start_server``: SQLite, one uvicorn worker);
  repositories are created with the JSON-RPC API and filled on disk from the cached ones
  (hard links: git packs, ``hg clone -U``). Clients authenticate with the admin's API token.
* git baseline: ``git http-backend`` behind a minimal CGI server written here on
  ``http.server`` (streams the request body into the CGI and its output back), serving the very
  same folders.
* hg baseline: ``hg serve`` on the very same folder.

Measured (wall time, best of ``--runs``, the two servers alternating):

* full clone: ``git clone --bare`` / ``hg clone -U`` (no checkout: client work that does not
  involve the server is left out, which makes the ratio stricter);
* a push of ``--push-commits`` commits into a fresh copy of the server's repository each run;
* ``--concurrent`` (default 32) ``git clone --bare`` through vcshub started at once: errors
  (non-zero exit or a wrong master) and the total time.

The load average (another benchmark may share the machine) is printed with each phase.

Usage: python benchmarks/transport.py [--size-mb 200] [--commits 50000] [--push-commits 1000]
           [--hg-size-mb 50] [--hg-commits 12500] [--runs 3] [--concurrent 32]
           [--cache-dir DIR] [--parts git,hg,concurrent]
Targets: vcshub / baseline <= 1.05 for git, <= 1.10 for hg; concurrent clones: zero errors.
"""

from __future__ import annotations

import argparse
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
HG = shutil.which("hg") or str(Path(sys.executable).with_name("hg"))
GIT_TARGET, HG_TARGET = 1.05, 1.10
DIRS, FILES_PER_DIR = 40, 50
LINE_POOL = 100_000
MEAN_LINE = 58.5  # bytes, of the generated lines
TEXT_RATIO = 1.72  # zlib ratio of the generated text
COMMIT_OVERHEAD = 400  # packed bytes of a commit and its two trees, roughly
BASE_TS = 1_700_000_000
CHUNK = 64 * 1024


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
        path = f"src/pkg{n % DIRS}/module{(n * 7919) % FILES_PER_DIR}.py"
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
    tag = f"git-{size_mb:g}mb-{commits}c"
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
    tag = f"hg-{size_mb:g}mb-{commits}c"
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


def fill_git(source: Path, target: Path) -> None:
    """Make the (empty, bare) ``target`` hold ``source``: packs hard-linked, refs copied."""
    for folder in ("objects/pack", "objects/info"):
        (target / folder).mkdir(parents=True, exist_ok=True)
        for item in (source / folder).iterdir():
            if item.is_file():
                os.link(item, target / folder / item.name)
    shutil.copy(source / "packed-refs", target / "packed-refs")
    shutil.copy(source / "HEAD", target / "HEAD")


def fill_hg(source: Path, target: Path) -> None:
    """Replace the repository at ``target`` by a copy of ``source`` (a real copy: hg appends to
    its revlogs, and breaking hard links on the first write would be counted in a push)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)


# -- clients ----------------------------------------------------------------------------------


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


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=ENV or None, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result


def timed(args: list[str]) -> float:
    began = time.perf_counter()
    run(args)
    return time.perf_counter() - began


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

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def _cgi(self) -> None:
        path, _, query = self.path.partition("?")
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
            "REMOTE_USER": "bench",  # lets http-backend accept pushes
        }
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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


# -- the hg baseline: hg serve ----------------------------------------------------------------


class HgServe:
    def __init__(self, repo: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [HG, "serve", "-R", str(repo), "-a", "127.0.0.1", "-p", str(port),
             "--config", "web.push_ssl=false", "--config", "web.allow-push=*",
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

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self) -> HgServe:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# -- measuring --------------------------------------------------------------------------------


def best_of(runs: int, baseline: Callable[[int], float], vcshub: Callable[[int], float]):
    """Best times of both, alternating which goes first."""
    ours, theirs = [], []
    for i in range(runs):
        order = [(theirs, baseline), (ours, vcshub)]
        for times, measure in order if i % 2 == 0 else reversed(order):
            times.append(measure(i))
    return min(theirs), min(ours), theirs, ours


class Bench:
    def __init__(self, options, work: Path, server) -> None:
        self.options, self.work, self.server = options, work, server
        self.http = httpx.Client(timeout=300)
        self.rows: list[tuple[str, float, float, float, float]] = []
        self._n = 0

    def api(self, method: str, **args) -> object:
        body = {"id": 1, "auth_token": self.server.admin_token, "method": method, "args": args}
        reply = self.http.post(self.server.api_url, json=body).json()
        if reply["error"] is not None:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def vcshub_url(self, name: str, auth: bool = True) -> str:
        url = f"{self.server.url}/{name}"
        return with_credentials(url, self.server.admin_username, self.server.admin_token) if auth else url

    def create(self, name: str, kind: str) -> Path:
        self.api("create_repo", repo_name=name, repo_type=kind)
        return self.server.data_dir / "repos" / name

    def scratch(self, label: str) -> Path:
        self._n += 1
        return self.work / f"{label}{self._n}"

    def record(self, what: str, target: float, base: float, ours: float, detail: str) -> None:
        self.rows.append((what, base, ours, ours / base, target))
        print(f"  {what}: baseline {base:.2f}s  vcshub {ours:.2f}s  ratio {ours / base:.3f}  "
              f"({detail}; {load()})", flush=True)

    # git

    def git_clone(self, url: str, expected: str) -> float:
        target = self.scratch("clone")
        took = timed(["git", "clone", "--quiet", "--bare", url, str(target)])
        head = git(target, "rev-parse", "refs/heads/master")
        shutil.rmtree(target)
        if head != expected:
            raise RuntimeError(f"clone of {url} has master {head}, not {expected}")
        return took

    def git_part(self, source: Path, pusher: Path) -> None:
        options = self.options
        head = git(source, "rev-parse", "refs/heads/master")
        pushed = git(pusher, "rev-parse", "refs/heads/master")
        hosted = self.create("bench/git", "git")
        fill_git(source, hosted)
        baseline_root = self.work / "cgi-root"
        baseline_root.mkdir()
        cgi = GitCgiServer(self.server.data_dir / "repos")  # the very same folders
        push_cgi = GitCgiServer(baseline_root)
        for server in (cgi, push_cgi):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            print(f"git clone ({load()})", flush=True)
            base, ours, theirs_all, ours_all = best_of(
                options.runs,
                lambda i: self.git_clone(f"{cgi.url}/bench/git", head),
                lambda i: self.git_clone(self.vcshub_url("bench/git"), head),
            )
            self.record("git clone", GIT_TARGET, base, ours, _runs(theirs_all, ours_all))

            def baseline_push(i: int) -> float:
                target = baseline_root / f"push{i}.git"
                subprocess.run(["git", "init", "--quiet", "--bare", str(target)], check=True)
                fill_git(source, target)
                return self.git_push(pusher, f"{push_cgi.url}/push{i}.git", target, pushed)

            def vcshub_push(i: int) -> float:
                target = self.create(f"bench/git-push{i}", "git")
                fill_git(source, target)
                return self.git_push(pusher, self.vcshub_url(f"bench/git-push{i}"), target, pushed)

            print(f"git push of {options.push_commits} commits ({load()})", flush=True)
            base, ours, theirs_all, ours_all = best_of(options.runs, baseline_push, vcshub_push)
            self.record(f"git push {options.push_commits}", GIT_TARGET, base, ours,
                        _runs(theirs_all, ours_all))
        finally:
            for server in (cgi, push_cgi):
                server.shutdown()
                server.server_close()

    def git_push(self, pusher: Path, url: str, target: Path, expected: str) -> float:
        took = timed(["git", "--git-dir", str(pusher), "push", "--quiet", url, "master"])
        if git(target, "rev-parse", "refs/heads/master") != expected:
            raise RuntimeError(f"push to {url} did not move master")
        return took

    # hg

    def hg_clone(self, url: str, expected: str) -> float:
        target = self.scratch("hgclone")
        took = timed([HG, "clone", "-U", "-q", url, str(target)])
        tip = run([HG, "-R", str(target), "log", "-r", "tip", "-T", "{node}"]).stdout
        shutil.rmtree(target)
        if tip != expected:
            raise RuntimeError(f"clone of {url} has tip {tip}, not {expected}")
        return took

    def hg_part(self, source: Path, pusher: Path) -> None:
        options = self.options
        tip = run([HG, "-R", str(source), "log", "-r", "tip", "-T", "{node}"]).stdout
        pushed = run([HG, "-R", str(pusher), "log", "-r", "tip", "-T", "{node}"]).stdout
        hosted = self.create("bench/hg", "hg")
        fill_hg(source, hosted)
        with HgServe(hosted) as serve:
            print(f"hg clone ({load()})", flush=True)
            base, ours, theirs_all, ours_all = best_of(
                options.runs,
                lambda i: self.hg_clone(serve.url, tip),
                lambda i: self.hg_clone(self.vcshub_url("bench/hg"), tip),
            )
        self.record("hg clone", HG_TARGET, base, ours, _runs(theirs_all, ours_all))

        def baseline_push(i: int) -> float:
            target = self.work / f"hg-push{i}"
            fill_hg(source, target)
            with HgServe(target) as serve:
                return self.hg_push(pusher, serve.url, target, pushed)

        def vcshub_push(i: int) -> float:
            target = self.create(f"bench/hg-push{i}", "hg")
            fill_hg(source, target)
            return self.hg_push(pusher, self.vcshub_url(f"bench/hg-push{i}"), target, pushed)

        print(f"hg push of {options.push_commits} commits ({load()})", flush=True)
        base, ours, theirs_all, ours_all = best_of(options.runs, baseline_push, vcshub_push)
        self.record(f"hg push {options.push_commits}", HG_TARGET, base, ours,
                    _runs(theirs_all, ours_all))

    def hg_push(self, pusher: Path, url: str, target: Path, expected: str) -> float:
        took = timed([HG, "-R", str(pusher), "push", "-q", url])
        tip = run([HG, "-R", str(target), "log", "-r", "tip", "-T", "{node}"]).stdout
        if tip != expected:
            raise RuntimeError(f"push to {url} did not arrive")
        return took

    # concurrency

    def concurrent_part(self, source: Path) -> tuple[int, float]:
        count = self.options.concurrent
        head = git(source, "rev-parse", "refs/heads/master")
        url = self.vcshub_url("bench/git")
        print(f"{count} concurrent git clones through vcshub ({load()})", flush=True)
        targets = [self.scratch("parallel") for _ in range(count)]
        began = time.perf_counter()
        processes = [
            subprocess.Popen(["git", "clone", "--quiet", "--bare", url, str(t)], env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for t in targets
        ]
        finished = []
        for process in processes:
            _, stderr = process.communicate()
            finished.append(time.perf_counter() - began)
            if process.returncode != 0:
                print(f"  clone failed ({process.returncode}): {stderr.decode()[-500:]}")
        total = time.perf_counter() - began
        errors = 0
        for process, target in zip(processes, targets):
            ok = process.returncode == 0 and git(target, "rev-parse", "refs/heads/master") == head
            errors += not ok
            shutil.rmtree(target, ignore_errors=True)
        print(f"  {count} clones: {errors} errors, all done in {total:.1f}s "
              f"(first finished after {min(finished):.1f}s; {load()})", flush=True)
        return errors, total


def _runs(theirs: list[float], ours: list[float]) -> str:
    return ("runs " + "/".join(f"{t:.2f}" for t in theirs) + " vs "
            + "/".join(f"{t:.2f}" for t in ours))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--push-commits", type=int, default=1000)
    parser.add_argument("--hg-size-mb", type=float, default=50)
    parser.add_argument("--hg-commits", type=int, default=12_500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "vcshub-bench-transport")
    parser.add_argument("--parts", default="git,hg,concurrent")
    options = parser.parse_args(argv)
    parts = set(options.parts.split(","))
    began = time.perf_counter()
    print(f"start: {load()} on {os.cpu_count()} CPUs", flush=True)
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vcshub-bench-transport-"))
    (work / "home").mkdir()
    ENV.update(client_env(work / "home"))
    git_source = git_pusher = hg_source = hg_pusher = None
    if parts & {"git", "concurrent"}:
        git_source, git_pusher = build_git(options.cache_dir, options.size_mb, options.commits,
                                           options.push_commits)
        print(f"git: {int(git(git_source, 'rev-list', '--count', 'master'))} commits, "
              f"{folder_mb(git_source):.1f} MB packed ({git_source}); push source "
              f"+{options.push_commits} commits", flush=True)
    if "hg" in parts:
        hg_source, hg_pusher = build_hg(options.cache_dir, options.hg_size_mb, options.hg_commits,
                                        options.push_commits)
        changesets = run([HG, "-R", str(hg_source), "log", "-r", "tip", "-T", "{rev}"]).stdout
        print(f"hg: {int(changesets) + 1} changesets, {folder_mb(hg_source / '.hg'):.1f} MB store "
              f"({hg_source}); push source +{options.push_commits} changesets", flush=True)

    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import start_server

    data_dir = work / "vcshub-data"
    data_dir.mkdir()
    server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}")
    bench = Bench(options, work, server)
    concurrent = None
    try:
        if git_source is not None and "git" in parts:
            bench.git_part(git_source, git_pusher)
        if hg_source is not None:
            bench.hg_part(hg_source, hg_pusher)
        if "concurrent" in parts:
            if "git" not in parts:
                fill_git(git_source, bench.create("bench/git", "git"))
            concurrent = bench.concurrent_part(git_source)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nbest of {options.runs} runs, wall time; {load()}")
    print(f"{'':<16} {'baseline':>9} {'vcshub':>9} {'ratio':>7} {'target':>7}  result")
    failed = False
    for what, base, ours, ratio, target in bench.rows:
        ok = ratio <= target
        failed |= not ok
        print(f"{what:<16} {base:>8.2f}s {ours:>8.2f}s {ratio:>7.3f} {'<= ' + format(target, '.2f'):>7}  "
              f"{'PASS' if ok else 'FAIL'}")
    if concurrent is not None:
        errors, total = concurrent
        failed |= errors != 0
        print(f"{options.concurrent} concurrent git clones: {errors} errors in {total:.1f}s  "
              f"{'PASS' if errors == 0 else 'FAIL'}")
    print(f"baselines: git http-backend behind a Python CGI server, hg serve; "
          f"total {time.perf_counter() - began:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
