"""The reads the repository pages need, on the 100,000-commit / 20,000-file git repository of
benchmarks/vcs_history.py (generated once with ``git fast-import``, cached in CACHE_DIR):
refs with their last commit, a file's history and blame (before and after housekeeping, which
writes the commit-graph with changed-path Bloom filters), a commit's structured diff and a
compare over 1,000 commits.

    python benchmarks/repo_reads.py [CACHE_DIR] [--runs N]

Target (issue 15): each < 150 ms (p50). Prints the median and best of ``--runs`` runs after one
warm-up call, in milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vcs_history  # noqa: E402 - benchmarks/vcs_history.py

from vcshub.vcs import open_repository, split_diff  # noqa: E402

TARGET_MS = 150.0


def timed(label: str, fn, runs: int) -> None:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(times)
    flag = "" if p50 < TARGET_MS else "  (over target)"
    print(f"{label:48s} p50 {p50:8.1f} ms  best {min(times):8.1f} ms{flag}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = vcs_history.ensure_repository(Path(args.cache_dir))
    info = path / "objects" / "info"
    (info / "commit-graph").unlink(missing_ok=True)  # start without a commit-graph
    shutil.rmtree(info / "commit-graphs", ignore_errors=True)
    repo = open_repository(path)
    repo.commit_count()  # the commit index, built once (benchmarks/vcs_history.py times it)
    tip = repo.get_commit("tip")
    # A file changed by the last commit and five times in all, first by the root commit: its
    # history and blame must reach the root.
    path_in_repo = vcs_history.file_path(((vcs_history.COMMITS - 1) * 7919) % vcs_history.FILES)
    older = repo.get_commit(vcs_history.COMMITS - 1_001)

    timed("refs with their last commit", repo.ref_commits, args.runs)
    timed("file history, page 1 (no commit-graph)",
          lambda: repo.file_history("tip", path_in_repo, 0, 50), args.runs)
    timed("blame (no commit-graph)", lambda: repo.annotate("tip", path_in_repo), args.runs)
    started = time.perf_counter()
    repo.housekeep()
    print(f"housekeep, first commit-graph: {time.perf_counter() - started:.1f} s", flush=True)
    timed("housekeep again", repo.housekeep, args.runs)
    timed("file history, page 1", lambda: repo.file_history("tip", path_in_repo, 0, 50), args.runs)
    timed("blame", lambda: repo.annotate("tip", path_in_repo), args.runs)
    timed("structured diff of the tip commit",
          lambda: [f.hunks for f in split_diff(repo.diff(tip.parents[0], tip.raw_id, renames=True))],
          args.runs)
    timed("compare 1,000 commits: ids and diff", lambda: (
        repo.commits_to_merge(repo.path, tip.raw_id, older.raw_id),
        [f.hunks for f in split_diff(repo.diff(older.raw_id, tip.raw_id, renames=True))],
    ), args.runs)


if __name__ == "__main__":
    main()
