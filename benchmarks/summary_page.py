"""Server time of a repository's summary page on the 100,000-commit / 20,000-file git
repository of benchmarks/vcs_history.py, with a 20 KB Markdown README added on top.

A throw-away installation (SQLite in a temporary folder) hosts a copy of the repository (objects
hard-linked); the page is asked in-process through the ASGI app (Starlette's TestClient), so the
time is the server's: resolving the viewer and the repository, reading the landing revision
(root listing, latest commits, README, ref counts), rendering the Markdown and the template.

    python benchmarks/summary_page.py [CACHE_DIR] [--runs N]

Target (issue 15): < 150 ms (p50). Prints the median and best after one warm-up request, with
the rendered README kept (web/summary_pages.RenderedReadmes, the usual case) and rendered anew.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vcs_history  # noqa: E402 - benchmarks/vcs_history.py
from sqlalchemy import select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from vcshub.app import create_app  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine  # noqa: E402
from vcshub.db.models import User  # noqa: E402
from vcshub.permissions.caller import Caller  # noqa: E402
from vcshub.services import installation, repo_disk, repos  # noqa: E402
from vcshub.services.unit_of_work import unit_of_work  # noqa: E402
from vcshub.web import summary_pages  # noqa: E402
from vcshub.app_state import build_state  # noqa: E402

TARGET_MS = 150.0
NAME = "bench/history"
README = "\n".join(
    f"## Section {n}\n\nSome *text* with a [link](https://example.com/{n}) and `code`.\n\n"
    f"- item one\n- item two\n\n```python\nprint({n})\n```\n"
    for n in range(120)
)


def git(*args: str, input: bytes | None = None) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, input=input).stdout.decode().strip()


def add_readme(folder: Path) -> None:
    """One commit on master adding README.md to the root, made with plumbing (no checkout of
    20,000 files)."""
    gd = f"--git-dir={folder}"
    blob = git(gd, "hash-object", "-w", "--stdin", input=README.encode())
    root = git(gd, "ls-tree", "master")
    tree = git(gd, "mktree", input=f"{root}\n100644 blob {blob}\tREADME.md\n".encode())
    commit = git(gd, "commit-tree", tree, "-p", "master", "-m", "add a README")
    git(gd, "update-ref", "refs/heads/master", commit)


def host(settings, source: Path) -> None:
    engine = create_db_engine(settings.effective_database_url)
    admin = installation.initialize(settings, engine)
    engine.dispose()
    state = build_state(settings)
    with unit_of_work(state.sessions, settings) as uow:
        user = uow.db.scalar(select(User).where(User.username == admin.username))
        made = repos.create_repo(uow, Caller(uow.db, user), NAME, "git",
                                 repos.RepoSpec(enable_downloads=True))
        folder = repo_disk.path(uow, made)
    shutil.rmtree(folder)
    git("clone", "--quiet", "--bare", "--local", str(source), str(folder))
    add_readme(folder)
    state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    source = vcs_history.ensure_repository(Path(args.cache_dir))
    with tempfile.TemporaryDirectory(prefix="vcshub-summary-bench-") as tmp:
        settings = load_settings(environ={}, data_dir=Path(tmp))
        host(settings, source)
        with TestClient(create_app(settings)) as client:
            started = time.perf_counter()
            first = client.get(f"/{NAME}")
            assert first.status_code == 200, first.text[:500]
            assert "<h2>Section 119</h2>" in first.text and "/archive/" in first.text
            print(f"{'first request (builds the commit index)':48s} {(time.perf_counter() - started) * 1000:8.1f} ms")
            timed("summary page, anonymous (server time)", client, args.runs)
            timed("... README rendered afresh each time", client, args.runs,
                  before=lambda: summary_pages.RENDERED.__init__())


def timed(label: str, client: TestClient, runs: int, before=lambda: None) -> None:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        response = client.get(f"/{NAME}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p50 = statistics.median(times)
    flag = "" if p50 < TARGET_MS else "  (over target)"
    print(f"{label:48s} p50 {p50:8.1f} ms  best {min(times):8.1f} ms{flag}")


if __name__ == "__main__":
    main()
