"""Benchmark of the git backend on a big synthetic repository.

Generates (once, cached in a folder) a bare git repository with 100,000
commits and 20,000 files using ``git fast-import``, then times:

* ``commits(start=50000, limit=100)`` reading author/message/parents,
  cold (no index cache at all), warm (index read from the on-disk cache,
  as a fresh process would) and hot (in-memory cache);
* ``get_nodes(tip, "")`` of the whole tree.

Usage: python benchmarks/vcs_history.py [CACHE_DIR] [--runs N]
Targets: commits(limit=100) < 50 ms, get_nodes root < 300 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from vcshub.vcs import create_repository, open_repository
from vcshub.vcs import git_index

COMMITS = 100_000
FILES = 20_000
START_INDEX = 50_000
LIMIT = 100
BASE_TS = 1_500_000_000


def file_path(i: int) -> str:
    # ~3 levels deep, 20 files per leaf folder: a realistic-looking tree.
    return f"pkg{i % 10}/mod{(i // 10) % 100}/file{i}.txt"


def fast_import_stream(out) -> None:
    """Write a fast-import stream: one commit adding all files, then
    single-file modifications."""
    write = out.write
    for n in range(COMMITS):
        ts = BASE_TS + n * 60
        msg = f"commit {n}\n\nGenerated change number {n}.\n".encode()
        write(b"commit refs/heads/master\n")
        write(f"mark :{n + 1}\n".encode())
        write(f"author Bench User {n % 50} <user{n % 50}@example.com> {ts} +0000\n".encode())
        write(f"committer Bench User <bench@example.com> {ts} +0000\n".encode())
        write(f"data {len(msg)}\n".encode() + msg)
        if n == 0:
            for i in range(FILES):
                body = f"file {i}\nline 2\n".encode()
                write(f"M 100644 inline {file_path(i)}\ndata {len(body)}\n".encode())
                write(body + b"\n")
        else:
            write(f"from :{n}\n".encode())
            i = (n * 7919) % FILES
            body = f"file {i}\nrevision {n}\n".encode()
            write(f"M 100644 inline {file_path(i)}\ndata {len(body)}\n".encode())
            write(body + b"\n")
        if n % 10_000 == 0:
            write(f"progress {n} commits\n".encode())
    write(b"done\n")


def ensure_repository(cache: Path) -> Path:
    """Build the benchmark repository unless a complete one is cached."""
    repo_path = cache / "history.git"
    marker = cache / "history.complete"
    if marker.exists() and repo_path.exists():
        return repo_path
    shutil.rmtree(repo_path, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    create_repository(repo_path, "git")
    print(f"generating {COMMITS} commits / {FILES} files in {repo_path} ...",
          flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["git", "--git-dir", str(repo_path), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
    )
    fast_import_stream(proc.stdin)
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "--git-dir", str(repo_path), "symbolic-ref", "HEAD",
                    "refs/heads/master"], check=True)
    print(f"generated in {time.perf_counter() - started:.1f}s", flush=True)
    marker.write_text("ok\n")
    return repo_path


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def history_page(repo) -> None:
    page = repo.commits(start=START_INDEX, limit=LIMIT)
    assert len(page) == LIMIT and page[0].index == START_INDEX
    for commit in page:
        commit.author, commit.message, commit.parents, commit.date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    repo_path = ensure_repository(Path(args.cache_dir))

    # Cold: no on-disk and no in-memory index.
    shutil.rmtree(repo_path / git_index.CACHE_DIR, ignore_errors=True)
    git_index.forget(str(repo_path))
    repo = open_repository(repo_path)
    cold = timed(lambda: history_page(repo))

    # Warm: what a freshly started process pays (index read from disk).
    warm_runs = []
    for _ in range(args.runs):
        git_index.forget(str(repo_path))
        fresh = open_repository(repo_path)
        warm_runs.append(timed(lambda: history_page(fresh)))

    # Hot: steady state of a running server.
    hot_runs = [timed(lambda: history_page(open_repository(repo_path)))
                for _ in range(args.runs)]

    tip = repo.get_commit("tip")
    nodes_runs = [timed(lambda: repo.get_nodes(tip.raw_id, ""))
                  for _ in range(args.runs)]
    nodes = repo.get_nodes(tip.raw_id, "")

    print(f"repository: {repo.commit_count()} commits, "
          f"{sum(n.kind == 'file' for n in nodes)} files, "
          f"{sum(n.kind == 'dir' for n in nodes)} dirs")
    print(f"commits(start={START_INDEX}, limit={LIMIT}) with details:")
    print(f"  cold (index built from scratch): {cold:8.1f} ms")
    print(f"  warm (index from disk cache):    {statistics.median(warm_runs):8.1f} ms"
          f"  (median of {args.runs})")
    print(f"  hot  (in-memory index):          {statistics.median(hot_runs):8.1f} ms"
          f"  (median of {args.runs}; target < 50 ms)")
    print(f"get_nodes(tip, '') recursive:      {statistics.median(nodes_runs):8.1f} ms"
          f"  (median of {args.runs}; target < 300 ms)")


if __name__ == "__main__":
    main()
