"""Server time of the files pages on the 100,000-commit / 20,000-file git repository of
benchmarks/vcs_history.py (generated once with ``git fast-import``, cached in CACHE_DIR):

* ``/<repo>/files/tip/pkgN/modM/``: a deep directory of 20 files, each with its last commit.
  Every run lists another directory, so the per-process cache of complete listings never
  answers (each is a full walk of the history: some of these files were last changed by the
  root commit); then one directory again and again (the cache answers);
* ``/<repo>/annotate/tip/<file>``: blame of a 5,000-line Python file changed by 6 commits,
  appended on top of the generated history; the first request highlights the text (about
  0.5 s of CPU), the next ones find its lines in web/code_lines.py's cache;
* ``/<repo>/files/tip/<that file>``: the same file highlighted (from that cache too);
* the root directory, and ``/<repo>/nodelist/tip/`` (every path, for the file finder; no
  target of its own: it is fetched once, when the finder is first used).

The repository is mirrored into a fresh instance's storage, registered with ``rescan_repos``
and housekept (commit-graph with changed-path Bloom filters, as after a push); the pages are
read anonymously over HTTP from a live ``vcshub serve``. Prints the client's median and best
wall time and the CPU time per request of the server and the git processes it ran (which a
busy machine hardly distorts).

    python benchmarks/file_pages.py [CACHE_DIR] [--runs N]

Target (issue 15): each < 150 ms server time (p50).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "benchmarks")]

import vcs_history  # noqa: E402 - benchmarks/vcs_history.py
from repos import _TICK_MS, Api  # noqa: E402 - benchmarks/repos.py

from tests.live_server import start_server  # noqa: E402
from vcshub.vcs import open_repository  # noqa: E402

BIG_REPO = "bench/history"
BLAMED = "pkg0/mod0/big_module.py"
BLAME_LINES = 5_000
TARGET_MS = 150.0


def big_file_commits(git_dir: Path) -> None:
    """Six commits on master: a 5,000-line file, then five changes of 100 lines each."""
    lines = [f"def function_{n}(value):  # line {n + 1}\n" if n % 4 == 0 else
             f"    value = value * {n} + {n % 7}\n" if n % 4 != 3 else "    return value\n"
             for n in range(BLAME_LINES)]
    stream = []
    for step in range(6):
        if step:
            for n in range(step * 700, step * 700 + 100):
                lines[n] = f"    value = value - {step}  # changed by step {step}\n"
        body = "".join(lines).encode()
        message = f"big module step {step}\n".encode()
        stamp = vcs_history.BASE_TS + (vcs_history.COMMITS + step) * 60
        stream += [b"commit refs/heads/master\n",
                   f"author Big Author <big@example.com> {stamp} +0000\n".encode(),
                   f"committer Big Author <big@example.com> {stamp} +0000\n".encode(),
                   f"data {len(message)}\n".encode(), message,
                   b"from refs/heads/master^0\n" if step == 0 else b"",
                   f"M 100644 inline {BLAMED}\ndata {len(body)}\n".encode(), body, b"\n"]
    subprocess.run(["git", "--git-dir", str(git_dir), "fast-import", "--quiet"],
                   input=b"".join(stream), check=True)


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) of a process and of its children it has waited for (the git
    processes of a request), from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) * _TICK_MS


def measure(label: str, server_pid: int, urls: list[str], http: httpx.Client) -> float:
    started = time.perf_counter()
    assert http.get(urls[0]).status_code == 200, urls[0]  # warm-up (imports, first caches)
    first = (time.perf_counter() - started) * 1000
    urls = urls[1:]
    before = cpu_ms(server_pid)
    times = []
    for url in urls:
        started = time.perf_counter()
        response = http.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    server = (cpu_ms(server_pid) - before) / len(urls)
    p50 = statistics.median(times)
    verdict = "OK" if p50 < TARGET_MS else "MISSED"
    print(f"  {label:<46} first {first:7.1f} ms  p50 {p50:7.1f} ms  best {min(times):7.1f} ms  "
          f"server+git CPU {server:6.1f} ms/request  target < {TARGET_MS:.0f} ms: {verdict}",
          flush=True)
    return p50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    source = vcs_history.ensure_repository(Path(args.cache_dir))
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-files-") as tmp:
        data_dir = Path(tmp)
        server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}")
        try:
            target = data_dir / "repos" / BIG_REPO
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "clone", "--quiet", "--mirror", str(source), str(target)],
                           check=True)
            big_file_commits(target)
            started = time.perf_counter()
            open_repository(target).housekeep()
            print(f"housekeep (commit-graph with Bloom filters): "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            added = Api(server.api_url, server.admin_token)("rescan_repos")["added"]
            assert added == [BIG_REPO], added
            base = f"{server.url}/{BIG_REPO}"
            pid = server.process.pid
            print(f"{BIG_REPO}: {vcs_history.COMMITS + 6} commits ({args.runs} runs each):")
            with httpx.Client(timeout=300) as http:
                deep = [f"{base}/files/tip/pkg{n % 10}/mod{(n * 37) % 100}/"
                        for n in range(args.runs + 1)]
                results = [
                    measure("files, a deep directory (walk each time)", pid, deep, http),
                    measure("files, the same deep directory (cached)", pid,
                            [deep[0]] * (args.runs + 1), http),
                    measure(f"annotate, {BLAME_LINES:,}-line file", pid,
                            [f"{base}/annotate/tip/{BLAMED}"] * (args.runs + 1), http),
                    measure(f"files, {BLAME_LINES:,}-line file highlighted", pid,
                            [f"{base}/files/tip/{BLAMED}"] * (args.runs + 1), http),
                    measure("files, the root directory", pid,
                            [f"{base}/files/tip/"] * (args.runs + 1), http),
                ]
                measure("nodelist: the finder's 20,000 paths (JSON)", pid,
                        [f"{base}/nodelist/tip/"] * (args.runs + 1), http)
        finally:
            server.stop()
    return 0 if all(p50 < TARGET_MS for p50 in results) else 1


if __name__ == "__main__":
    sys.exit(main())
