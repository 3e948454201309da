"""Full-text search: indexing, incremental updates and queries (printed; targets below).

(a) Indexing the 100,000-commit / 20,000-file repository of benchmarks/vcs_history.py from
    scratch (every file at the landing revision, every commit), as ``vcshub index`` does.
(b) The incremental update after a push of 100 commits (each changing one file) to it, as the
    search queue runs it after the push.
(c) Queries over 1,000 repositories: 1,000 repositories created through the services (a third
    private, owned by somebody else), each indexed from a 60-file template repository of code,
    then ``services.search.query.search`` as an ordinary user who may read two thirds of them:
    a common word, a phrase, a word with an extension filter, and a commit search; p50.

    python benchmarks/search.py [CACHE_DIR] [--runs N]

Targets: (a) < 60 s, (b) < 2 s, (c) < 100 ms p50.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
import vcs_history  # noqa: E402
from search_engines import p50  # noqa: E402

from tests.factories import people  # noqa: E402
from tests.factories.commits import commit_into  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine, create_session_factory  # noqa: E402
from vcshub.db.models import User  # noqa: E402
from vcshub.services import installation, repos  # noqa: E402
from vcshub.services.search import indexer, query  # noqa: E402
from vcshub.services.unit_of_work import unit_of_work  # noqa: E402
from vcshub.vcs import create_repository  # noqa: E402

REPOS = 1_000


def push_100_commits(bare: Path) -> None:
    """100 commits on master, each changing one file, written with git fast-import (what a
    push of them leaves in the repository)."""
    head = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "master"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lines = []
    for n in range(100):
        body = f"pushed change {n}\nnew words: quetzal{n}\n".encode()
        message = f"push commit {n}\n".encode()
        lines.append(b"commit refs/heads/master\n")
        lines.append(f"mark :{n + 1}\n".encode())
        lines.append(f"committer Pusher <p@example.com> {1_700_000_000 + n} +0000\n".encode())
        lines.append(f"data {len(message)}\n".encode() + message)
        lines.append((f"from {head}\n" if n == 0 else f"from :{n}\n").encode())
        lines.append(f"M 100644 inline {vcs_history.file_path(n * 37)}\n".encode())
        lines.append(f"data {len(body)}\n".encode() + body + b"\n")
    lines.append(b"done\n")
    subprocess.run(["git", "--git-dir", str(bare), "fast-import", "--quiet", "--done"],
                   input=b"".join(lines), check=True)


def template_files() -> dict[str, str]:
    files = {}
    for i in range(60):
        ext = ("py", "js", "md")[i % 3]
        body = "".join(f"def handler_{i}_{k}(request, value):\n    return compute_total(value, {k})\n"
                       for k in range(15))
        files[f"src/module{i % 6}/file{i}.{ext}"] = body + f"# marker{i}\n"
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--profile", action="store_true", help="profile the word query once")
    args = parser.parse_args(argv)
    source = vcs_history.ensure_repository(Path(args.cache_dir))
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-search-") as tmp:
        data = Path(tmp)
        big = data / "history.git"
        shutil.copytree(source, big)
        index_dir = data / "index-big"
        target = indexer.Target(1, big, "git", "branch:master")
        report = indexer.update(index_dir, target, 1 << 20, rebuild=True, threads=2)
        print(f"(a) indexing 20,000 files + 100,000 commits: {report.seconds:.1f} s "
              f"({report.files_indexed} files, {report.commits_indexed} commits)  target < 60 s")
        push_100_commits(big)
        report = indexer.update(index_dir, target, 1 << 20)
        print(f"(b) update after a 100-commit push: {report.seconds:.2f} s "
              f"({report.files_indexed} files, {report.commits_indexed} commits)  target < 2 s")

        url = f"sqlite:///{data / 'vcshub.sqlite'}"
        settings = load_settings(environ={}, data_dir=data / "site", database_url=url)
        engine = create_db_engine(url)
        installation.initialize(settings, engine)
        sessions = create_session_factory(engine)
        template = data / "template.git"
        create_repository(template, "git")
        commit_into(template, "git", template_files(), {"README.md": "search benchmark\n"})
        started = time.perf_counter()
        with unit_of_work(sessions, settings) as uow:
            owner = people.caller(uow, people.user(uow, username="owner"))
            people.user(uow, username="reader")
            made = [repos.create_repo(uow, owner, f"bench/r{i:04d}", "git",
                                      repos.RepoSpec(private=i % 3 == 0)) for i in range(REPOS)]
            ids = [r.repo_id for r in made]
        for repo_id in ids:
            indexer.update(settings.search_index_dir,
                           indexer.Target(repo_id, template, "git", "branch:master"), 1 << 20)
        print(f"    {REPOS} repositories created and indexed in {time.perf_counter() - started:.0f} s")
        with unit_of_work(sessions, settings, writes=False) as uow:
            reader = people.caller(uow, uow.db.query(User).filter_by(username="reader").one())
            cases = [("word", "compute_total", "content"), ("phrase", '"request value"', "content"),
                     ("word + extension", "marker6 extension:py", "content"),
                     ("commit", "details", "commit")]
            for label, text, kind in cases:
                found = query.search(uow, reader, text, kind)
                ms = p50(lambda: query.search(uow, reader, text, kind), args.runs)
                print(f"(c) {label:<17} over {REPOS} repositories: p50 {ms:6.1f} ms "
                      f"({found.count} hits)  target < 100 ms")
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(query.search, uow, reader, "compute_total", "content")
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
