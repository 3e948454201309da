"""The repositories the transport benchmark serves, built once and cached, and the clients' set-up.

A bare git repository written with ``git fast-import`` and a Mercurial repository written with
Mercurial's API hold the same deterministic content stream (see :class:`Content`); each has a
push source with more commits on top. See transport.py for the sizes.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HG = shutil.which("hg") or str(Path(sys.executable).with_name("hg"))
DIRS, FILES_PER_DIR = 40, 50
LINE_POOL = 100_000
MEAN_LINE = 58.5  # bytes, of the generated lines
TEXT_RATIO = 1.72  # zlib ratio of the generated text
COMMIT_OVERHEAD = 400  # packed bytes of a commit and its two trees, roughly
BASE_TS = 1_700_000_000
CHUNK = 64 * 1024  # bytes copied at a time by the baseline CGI server
CONTENT_VERSION = 2  # part of the cached repositories' names: change it with Content


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



def git_head(folder: Path) -> str:
    return git(folder, "rev-parse", "refs/heads/master")


def hg_tip(folder: Path) -> str:
    return run([HG, "-R", str(folder), "log", "-r", "tip", "-T", "{node}"]).stdout


