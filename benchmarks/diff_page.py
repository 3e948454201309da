"""The changeset page of a 2,000-line diff, on the 100,000-commit / 20,000-file git repository of
benchmarks/vcs_history.py (generated once with ``git fast-import``, cached in CACHE_DIR).

The repository is mirrored into a fresh data directory (hard links; the cache is never
written), and two commits are added there on a branch ``bench-diff``: one adding a
1,000-line Python module, one changing every line of it (a word in each), so the page shows
1,000 deleted and 1,000 added lines, each highlighted and word-marked. A live ``vcshub serve``
answers ``/bench/history/changeset/<id>`` to an anonymous viewer (no password hashing in the
measure), unified and side by side.

Prints, per view: the first request (cold: nothing cached), then the median and best of
``--runs`` requests, and the server's CPU time per request (what a busy machine hardly
distorts). The in-process cache of lexed text (web/diff_highlight.py) is warm after the first
request: the cold line is what a diff nobody has opened yet costs.

    python benchmarks/diff_page.py [CACHE_DIR] [--runs N]

Target (issue 15): a 2,000-line diff page < 150 ms server time (p50).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import vcs_history  # noqa: E402 - benchmarks/vcs_history.py
from repos import Api, cpu_ms  # noqa: E402 - benchmarks/repos.py

from tests.live_server import start_server  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine  # noqa: E402
from vcshub.services import installation  # noqa: E402
from vcshub.services.repo_contents.changes import _structured  # noqa: E402
from vcshub.services.repo_contents.records import CommitRecord  # noqa: E402
from vcshub.vcs import open_repository  # noqa: E402
from vcshub.web import diff_render  # noqa: E402
from vcshub.web.comment_pages import CommentUi  # noqa: E402
from vcshub.web.render_cache import RenderCache  # noqa: E402
from vcshub.web.diff_pages import STYLE, DiffOptions  # noqa: E402
from vcshub.web.markup import markdown  # noqa: E402
from vcshub.web.repo_views import Context  # noqa: E402
from vcshub.web.templating import Templates  # noqa: E402

REPO = "bench/history"
LINES = 1_000
TARGET_MS = 150.0


def module(word: str) -> bytes:
    return "".join(
        f"def handler_{n}(request, limit={n}):\n" if n % 10 == 0
        else f"    value_{n} = compute(request, {word}, {n})  # step {n}\n"
        for n in range(LINES)
    ).encode()


def add_big_change(git_dir: Path) -> str:
    """Two commits on ``bench-diff`` from master's tip; the id of the 2,000-line change."""
    stream = b""
    for mark, word in ((1, "alpha"), (2, "gamma")):
        body = module(word)
        message = f"bench: module with {word}\n".encode()
        stream += b"commit refs/heads/bench-diff\n" + f"mark :{mark}\n".encode()
        stream += b"author Bench <bench@example.com> 1700000000 +0000\n"
        stream += b"committer Bench <bench@example.com> 1700000000 +0000\n"
        stream += f"data {len(message)}\n".encode() + message
        stream += b"from refs/heads/master^0\n" if mark == 1 else b"from :1\n"
        stream += f"M 100644 inline bench/big_module.py\ndata {len(body)}\n".encode() + body + b"\n"
    stream += b"done\n"
    subprocess.run(["git", "--git-dir", str(git_dir), "fast-import", "--quiet", "--done"],
                   input=stream, check=True)
    return subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "bench-diff"],
                          check=True, capture_output=True, text=True).stdout.strip()


def parts(git_dir: Path, change: str, runs: int) -> None:
    """Where a request's time goes, in this process: the git diff with the repository opened as
    every request opens it (a handle lent from vcs/git_handles.py's pool, so its object cache is
    warm after the first run), the renderer cold (its cache emptied) and warm, and the
    template."""
    templates = Templates()
    options = DiffOptions.of(Context("http://bench", f"/{REPO}/changeset/{change}", {}, templates))

    class Repo:  # what the page's layout reads of a repository row
        repo_name, repo_type = REPO, "git"

    def read():
        repository = open_repository(git_dir)
        commit = repository.get_commit(change)
        text = repository.diff(commit.parents[0], commit.raw_id, renames=True)
        files = _structured(text, 1_000_000)
        for diff_file in files:
            assert diff_file.hunks is not None
        return CommitRecord.of(commit), files

    def render_cold(files):
        diff_render._DRAWN = RenderCache(diff_render.CACHE_LINES)
        return diff_render.render_files(files)

    commit, files = read()
    views = diff_render.render_files(files)
    steps = {
        "git diff + parse (pooled repository handle)": read,
        "renderer, cold (highlight + word marks)": lambda: render_cold(files),
        "renderer, warm (cached lines)": lambda: diff_render.render_files(files),
        "template": lambda: templates.page(
            "changeset.html", commit=commit, views=views, placed=diff_render.placed_ids(views),
            ui=CommentUi(f"/{REPO}/changeset/{change}/comment"), omitted=0, comments=[],
            options=options, markdown=markdown, style=STYLE, repo=Repo, repo_url=f"/{REPO}",
            viewer=None, here="/", csrf=None, flashes=()),
    }
    for label, step in steps.items():
        step()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            step()
            times.append((time.perf_counter() - started) * 1000)
        print(f"  in process: {label:44s} p50 {statistics.median(times):7.1f} ms, "
              f"best {min(times):7.1f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-diff-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        engine = create_db_engine(url)
        installation.initialize(settings, engine)
        engine.dispose()
        target = settings.repos_dir / REPO
        target.parent.mkdir(parents=True, exist_ok=True)
        source = vcs_history.ensure_repository(Path(args.cache_dir))
        subprocess.run(["git", "clone", "--quiet", "--mirror", str(source), str(target)], check=True)
        change = add_big_change(target)
        server = start_server(data_dir, url)
        try:
            admin = Api(server.api_url, server.admin_token)
            assert admin("rescan_repos")["added"] == [REPO]
            admin("update_repo", repoid=REPO, private=False)
            with httpx.Client(base_url=server.url, timeout=300) as http:
                for mode in ("unified", "sideside"):
                    path = f"/{REPO}/changeset/{change}?diffmode={mode}"
                    started = time.perf_counter()
                    first = http.get(path)
                    cold = (time.perf_counter() - started) * 1000
                    assert first.status_code == 200, first.status_code
                    assert first.text.count("<del>") >= LINES * 0.8, "word marks missing"
                    before = cpu_ms(server.process.pid)
                    times = []
                    for _ in range(args.runs):
                        started = time.perf_counter()
                        http.get(path).raise_for_status()
                        times.append((time.perf_counter() - started) * 1000)
                    cpu = (cpu_ms(server.process.pid) - before) / args.runs
                    p50 = statistics.median(times)
                    verdict = "OK" if p50 < TARGET_MS else "MISSED"
                    if verdict == "MISSED":
                        missed.append(mode)
                    print(f"2,000-line changeset page, {mode:8s}: first {cold:7.1f} ms, "
                          f"p50 {p50:7.1f} ms, best {min(times):7.1f} ms, server CPU "
                          f"{cpu:6.1f} ms/request ({len(first.content) // 1024} KiB); "
                          f"target < {TARGET_MS:.0f} ms: {verdict}", flush=True)
        finally:
            server.stop()
        parts(target, change, args.runs)
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
