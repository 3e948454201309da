"""The repository pages' server time on the 100,000-commit / 20,000-file git repository of
benchmarks/vcs_history.py (issue 15: summary, files at a deep path, changelog page 1, a
2,000-line diff and blame of a 5,000-line file, each < 150 ms p50).

The generated repository is mirrored into a fresh instance (hard links), then two commits are
added on top: one adding a 5,000-line Python file, one changing 2,000 of its lines. Requests go
in process through the whole ASGI application (routing, session, permissions, services, vcs,
templates) with httpx's ASGI transport, signed in as the admin: the server's time without the
network. Housekeeping runs first, as it does after pushes (the commit-graph with changed-path
Bloom filters that history and blame use).

Printed side by side in one run (this machine is noisy): baselines first, the static file (the
framework's floor) and the raw 5,000-line file (the same bytes without a page), then the pages.

    python benchmarks/pages.py [CACHE_DIR] [--runs 9]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vcs_history  # noqa: E402 - benchmarks/vcs_history.py

from vcshub.app import create_app, tune_garbage_collector  # noqa: E402
from vcshub.auth.passwords import hash_password  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine, create_session_factory  # noqa: E402
from vcshub.db.models import User  # noqa: E402
from vcshub.permissions.caller import Caller  # noqa: E402
from vcshub.services import installation, repo_maintenance  # noqa: E402
from vcshub.services.unit_of_work import unit_of_work  # noqa: E402
from vcshub.vcs import open_repository  # noqa: E402

TARGET_MS = 150.0
REPO = "bench/history"
BIG_FILE = "src/big_module.py"
PASSWORD = "bench-password-1"


def add_big_commits(bare: Path) -> tuple[str, str]:
    """A commit adding a 5,000-line file, then one changing 2,000 of its lines; their ids."""
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-work-") as tmp:
        work = Path(tmp) / "w"
        git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
        subprocess.run([*git, "clone", "-q", "--no-checkout", str(bare), str(work)], check=True)
        subprocess.run([*git, "-C", str(work), "checkout", "-q", "master"], check=True)
        lines = [f"def function_{i}(value):\n    return value * {i}  # line {i}\n"
                 for i in range(2_500)]
        target = work / BIG_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(lines))
        subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
        subprocess.run([*git, "-C", str(work), "commit", "-q", "-m", "Add a 5,000-line module"],
                       check=True)
        changed = [line.replace("value *", "value +") if i % 5 < 4 else line
                   for i, line in enumerate(lines)]  # 2,000 of the 5,000 lines
        target.write_text("".join(changed))
        subprocess.run([*git, "-C", str(work), "commit", "-q", "-am", "Change 2,000 lines"],
                       check=True)
        subprocess.run([*git, "-C", str(work), "push", "-q", "origin", "master"], check=True)
        ids = subprocess.run([*git, "-C", str(work), "rev-list", "-2", "master"], check=True,
                             capture_output=True, text=True).stdout.split()
    return ids[1], ids[0]


async def signed_in(app, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                               timeout=300)
    form = await client.get("/_admin/login")
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = await client.post("/_admin/login", data={
        "username": username, "password": PASSWORD, "csrf_token": token, "came_from": "/"})
    assert answer.status_code == 302, answer.text[:300]
    return client


async def measure(app, admin: str, urls: list[tuple[str, str, str]], runs: int) -> list[str]:
    missed = []
    async with app.router.lifespan_context(app):
        client = await signed_in(app, admin)
        for kind, label, url in urls:
            first = time.perf_counter()
            answer = await client.get(url)
            first_ms = (time.perf_counter() - first) * 1000
            assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                await client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            p50 = statistics.median(times)
            verdict = ""
            if kind == "page":
                verdict = "OK" if p50 < TARGET_MS else "MISSED"
                if verdict == "MISSED":
                    missed.append(label)
            print(f"  {kind:<8} {label:<38} p50 {p50:7.1f} ms  best {min(times):7.1f} ms  "
                  f"first {first_ms:7.1f} ms  {len(answer.content) // 1024:5d} KiB  {verdict}",
                  flush=True)
        await client.aclose()
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    source = vcs_history.ensure_repository(Path(args.cache_dir))
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-pages-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        engine = create_db_engine(url)
        installation.initialize(settings, engine)
        target = settings.repos_dir / REPO
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", "--mirror", str(source), str(target)], check=True)
        _added, changed = add_big_commits(target)
        started = time.perf_counter()
        open_repository(target).housekeep()
        print(f"housekeeping (commit-graph): {time.perf_counter() - started:.1f} s")
        sessions = create_session_factory(engine)
        with unit_of_work(sessions, settings) as uow:
            admin = uow.db.scalar(select(User).where(User.admin.is_(True)).limit(1))
            assert repo_maintenance.rescan(uow, Caller(uow.db, admin)).added == [REPO]
            uow.db.execute(update(User).where(User.user_id == admin.user_id)
                           .values(password_hash=hash_password(PASSWORD)))
            admin_name = admin.username
        engine.dispose()
        deep_dir = vcs_history.file_path(12_345).rsplit("/", 1)[0]
        deep_file = vcs_history.file_path(((vcs_history.COMMITS - 1) * 7919) % vcs_history.FILES)
        urls = [
            ("baseline", "static file", "/_static/vcshub.css"),
            ("baseline", "raw 5,000-line file", f"/{REPO}/raw/tip/{BIG_FILE}"),
            ("page", "summary", f"/{REPO}"),
            ("page", "files: a deep directory", f"/{REPO}/files/tip/{deep_dir}/"),
            ("page", "files: a deep file", f"/{REPO}/files/tip/{deep_file}"),
            ("page", "changelog page 1", f"/{REPO}/changelog"),
            ("page", "changeset: 2,000 changed lines", f"/{REPO}/changeset/{changed}"),
            ("page", "blame of a 5,000-line file", f"/{REPO}/annotate/tip/{BIG_FILE}"),
            ("page", "file history", f"/{REPO}/history/tip/{deep_file}"),
        ]
        print(f"{REPO}: 100,000 commits, 20,000 files (+2); {args.runs} runs each, in process")
        app = create_app(settings)
        tune_garbage_collector()  # as `vcshub serve` does
        missed = asyncio.run(measure(app, admin_name, urls, args.runs))
    print("all pages < 150 ms" if not missed else f"over 150 ms: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
