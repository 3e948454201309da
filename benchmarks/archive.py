"""Archive downloads of a ~200 MB git repository: time against ``git archive``, server memory.

Builds once (cached in a folder) a bare git repository holding ~200 MB of file content — text
that compresses like source code and incompressible binaries — with ``git fast-import``. Starts a
throw-away server (the test suite's helper, SQLite), creates a repository with downloads
enabled and pushes the content into it, then for each format:

* ``git archive`` on the command line into /dev/null (``| bzip2`` for .tar.bz2), best of N;
* the first download with curl (cache miss: streamed while the cache file is written), best of
  N, the cache emptied before each run; alternating with the ``git archive`` runs;
* a second download (cache hit: the cached file is sent);
* the server's peak resident memory during the downloads against its size before.

Usage: python benchmarks/archive.py [--size-mb 200] [--runs 3] [--cache-dir DIR] [--formats ...]
Targets: first download within 1.2x of ``git archive``; server memory flat (< 64 MiB growth).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
FORMATS = (".zip", ".tar.gz", ".tar.bz2")
GIT_FORMAT = {".zip": "zip", ".tar.gz": "tar.gz", ".tar.bz2": "tar"}
FILE_SIZE = 256 * 1024
TARGET_RATIO = 1.2
TARGET_GROWTH_MB = 64


def text_pool(rng: random.Random, size: int) -> bytes:
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randint(2, 10)))
        for _ in range(4000)
    ]
    lines, total = [], 0
    while total < size:
        line = "    " * rng.randint(0, 3) + " ".join(rng.choices(words, k=rng.randint(3, 12))) + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()


def build_repository(folder: Path, size_mb: int) -> None:
    """~size_mb of content: 70 % text-like (compresses ~3x), 30 % random bytes."""
    rng = random.Random(20240601)
    pool = text_pool(rng, 4 * 1024 * 1024)
    subprocess.run(["git", "init", "--quiet", "--bare", str(folder)], check=True)
    feed = subprocess.Popen(["git", "--git-dir", str(folder), "fast-import", "--quiet"],
                            stdin=subprocess.PIPE)
    write = feed.stdin.write
    write(b"commit refs/heads/master\nmark :1\n"
          b"author Bench <bench@example.com> 1700000000 +0000\n"
          b"committer Bench <bench@example.com> 1700000000 +0000\ndata 11\nbench tree\n")
    for i in range(size_mb * 1024 * 1024 // FILE_SIZE):
        if i % 10 < 3:
            body, name = rng.randbytes(FILE_SIZE), f"assets/a{i % 7}/blob{i}.bin"
        else:
            start = rng.randrange(len(pool) - FILE_SIZE)
            body, name = pool[start:start + FILE_SIZE], f"src/pkg{i % 13}/mod{i % 5}/file{i}.py"
        write(f"M 100644 inline {name}\ndata {len(body)}\n".encode() + body + b"\n")
    write(b"\n")
    feed.stdin.close()
    if feed.wait() != 0:
        raise SystemExit("git fast-import failed")


def timed(command: str) -> float:
    began = time.perf_counter()
    subprocess.run(command, shell=True, check=True)
    return time.perf_counter() - began


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakMemory:
    """Polls the server's resident size while a download runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "vcshub-bench-archive")
    parser.add_argument("--formats", default=",".join(FORMATS))
    options = parser.parse_args(argv)
    source = options.cache_dir / f"repo-{options.size_mb}mb.git"
    if not source.exists():
        print(f"building a {options.size_mb} MB repository in {source} ...", flush=True)
        options.cache_dir.mkdir(parents=True, exist_ok=True)
        build_repository(source, options.size_mb)
    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import start_server

    data_dir = Path(tempfile.mkdtemp(prefix="vcshub-bench-archive-"))
    server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}")
    failed = False
    try:
        name = "bench/archive"
        with httpx.Client(timeout=60) as http:
            body = {"id": 1, "auth_token": server.admin_token, "method": "create_repo",
                    "args": {"repo_name": name, "repo_type": "git", "enable_downloads": True}}
            assert http.post(server.api_url, json=body).json()["error"] is None
        hosted = data_dir / "repos" / name
        subprocess.run(["git", "--git-dir", str(source), "push", "--quiet", str(hosted), "master"],
                       check=True)
        commit = subprocess.run(["git", "--git-dir", str(hosted), "rev-parse", "master"], check=True,
                                capture_output=True, text=True).stdout.strip()
        url = f"{server.url}/{name}/archive/{commit}"
        cache = data_dir / "archive-cache"
        pid = server.process.pid
        print(f"repository: {options.size_mb} MB of content, commit {commit[:12]}; "
              f"{options.runs} runs, best time shown\n")
        print(f"{'format':<9} {'size MB':>8} {'git archive':>12} {'first dl':>9} {'ratio':>6} "
              f"{'cached dl':>10} {'RSS before':>11} {'RSS peak':>9}  result")
        for extension in [f for f in options.formats.split(",") if f]:
            git = f"git --git-dir={hosted} archive --format={GIT_FORMAT[extension]} --prefix=x/ {commit}"
            if extension == ".tar.bz2":
                git += " | bzip2 -9"
            curl = f"curl -sS --fail -o /dev/null {url}{extension}"
            before = rss_kib(pid)
            native_runs, first = [], []
            with PeakMemory(pid) as memory:
                # Interleaved, so that both see the same load on a shared machine (a load that
                # changes between a block of git runs and a block of downloads skews the ratio).
                for _ in range(options.runs):
                    native_runs.append(timed(f"{git} > /dev/null"))
                    shutil.rmtree(cache, ignore_errors=True)
                    first.append(timed(curl))
                cached = min(timed(curl) for _ in range(options.runs))
            native = min(native_runs)
            size = sum(f.stat().st_size for f in cache.rglob(f"*{extension}")) / 1e6
            ratio = min(first) / native
            growth = (memory.peak - before) / 1024
            ok = ratio <= TARGET_RATIO and growth < TARGET_GROWTH_MB
            failed |= not ok
            print(f"{extension:<9} {size:>8.1f} {native:>11.2f}s {min(first):>8.2f}s {ratio:>6.2f} "
                  f"{cached:>9.2f}s {before / 1024:>9.0f}MB {memory.peak / 1024:>7.0f}MB  "
                  f"{'ok' if ok else 'MISSED'}")
        print(f"\ntargets: first download <= {TARGET_RATIO}x git archive, "
              f"server RSS growth < {TARGET_GROWTH_MB} MB")
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
