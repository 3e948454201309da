"""Fixtures building real git/hg repositories with the command-line clients.

Commits are made in a working clone and pushed into a server repository
created by :func:`vcshub.vcs.create_repository`, exactly like users do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vcshub.vcs import create_repository

HG = str(Path(sys.executable).with_name("hg"))
if not os.path.exists(HG):
    HG = shutil.which("hg") or "hg"

AUTHOR = "Test User <test@example.com>"
BASE_TS = 1_700_000_000


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """Deterministic identities and no user configuration."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test User")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test User")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HGUSER", AUTHOR)
    monkeypatch.setenv("HGRCPATH", "")
    monkeypatch.setenv("HGPLAIN", "1")
    monkeypatch.setenv("HGENCODING", "utf-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.fixture(params=["git", "hg"])
def kind(request) -> str:
    """Every test runs once per backend."""
    return request.param


def run(args: list[str], cwd: Path | None = None, env: dict | None = None,
        ok_codes=(0,)) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, env=env)
    if proc.returncode not in ok_codes:
        raise AssertionError(
            f"{args} failed ({proc.returncode}):\n{proc.stdout.decode()}\n"
            f"{proc.stderr.decode()}")
    return proc.stdout.decode("utf-8", "replace")


class WorkingCopy:
    """A client-side clone that commits and pushes to the server repo."""

    def __init__(self, kind: str, server: Path, path: Path) -> None:
        self.kind = kind
        self.server = server
        self.path = path
        self._tick = 0
        if kind == "git":
            run(["git", "-c", "init.defaultBranch=master", "clone", "-q",
                 str(server), str(path)])
            run(["git", "symbolic-ref", "HEAD", "refs/heads/master"], cwd=path)
        else:
            run([HG, "clone", "-q", str(server), str(path)])
        self.main_branch = "master" if kind == "git" else "default"

    def write(self, name: str, content: bytes | str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)

    def remove(self, name: str) -> None:
        (self.path / name).unlink()

    def symlink(self, name: str, target: str) -> None:
        os.symlink(target, self.path / name)

    def _env(self) -> dict:
        # Strictly increasing dates keep date ordering unambiguous.
        self._tick += 1
        stamp = f"{BASE_TS + self._tick * 60} +0000"
        env = dict(os.environ)
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        return env

    def commit(self, message: str) -> str:
        """Commit everything; return the new commit id."""
        env = self._env()
        if self.kind == "git":
            run(["git", "add", "-A"], cwd=self.path)
            run(["git", "commit", "-q", "-m", message], cwd=self.path, env=env)
            return run(["git", "rev-parse", "HEAD"], cwd=self.path).strip()
        stamp = env["GIT_AUTHOR_DATE"].replace("+0000", "0")
        out = run([HG, "commit", "-A", "--debug", "-m", message, "-d", stamp],
                  cwd=self.path)
        return re.search(r"committed changeset \d+:([0-9a-f]{40})", out).group(1)

    def branch(self, name: str) -> None:
        """Start a new branch from the current commit."""
        if self.kind == "git":
            run(["git", "checkout", "-q", "-b", name], cwd=self.path)
        else:
            run([HG, "branch", "-q", name], cwd=self.path)

    def switch(self, name: str) -> None:
        if self.kind == "git":
            run(["git", "checkout", "-q", name], cwd=self.path)
        else:
            run([HG, "update", "-q", name], cwd=self.path)

    def tag(self, name: str, rev: str) -> None:
        """Tag ``rev`` (hg adds a tagging commit, git an annotated tag)."""
        if self.kind == "git":
            run(["git", "tag", "-a", name, "-m", f"tag {name}", rev],
                cwd=self.path, env=self._env())
        else:
            stamp = self._env()["GIT_AUTHOR_DATE"].replace("+0000", "0")
            run([HG, "tag", "-r", rev, "-d", stamp, name], cwd=self.path)

    def bookmark(self, name: str, rev: str) -> None:
        run([HG, "bookmark", "-r", rev, name], cwd=self.path)

    def push(self, bookmarks: tuple[str, ...] = ()) -> None:
        if self.kind == "git":
            run(["git", "push", "-q", "origin", "--all"], cwd=self.path)
            run(["git", "push", "-q", "origin", "--tags"], cwd=self.path)
        else:
            # Exit code 1 means "nothing to push".
            run([HG, "push", "-q", "--new-branch"], cwd=self.path, ok_codes=(0, 1))
            if bookmarks:
                # Separate push: -B would restrict the push to the bookmark.
                extra = [arg for b in bookmarks for arg in ("-B", b)]
                run([HG, "push", "-q", *extra], cwd=self.path, ok_codes=(0, 1))


@pytest.fixture
def server(kind, tmp_path):
    """A fresh server-side repository of the current kind."""
    return create_repository(tmp_path / "server", kind)


@pytest.fixture
def work(kind, server, tmp_path) -> WorkingCopy:
    """A working clone of ``server``."""
    return WorkingCopy(kind, server.path, tmp_path / "work")


BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00binary\x00data"
UNICODE_NAME = "ünï cödé.txt"


class History:
    """Ids of the standard test history (see ``populated``)."""

    def __init__(self, ids: list[str], main_branch: str) -> None:
        self.ids = ids
        self.main_branch = main_branch


@pytest.fixture
def populated(server, work) -> History:
    """Three commits on the main branch:

    0. add README.md, docs/api.rst, docs/guide/intro.txt, src/main.py
    1. add img.bin (binary) and a unicode-named file, modify README.md,
       delete src/main.py
    2. modify docs/api.rst
    """
    work.write("README.md", "hello\n")
    work.write("docs/api.rst", "API\n===\n")
    work.write("docs/guide/intro.txt", "intro\n")
    work.write("src/main.py", "print('hi')\nprint('bye')\n")
    first = work.commit("initial import")
    work.write("README.md", "Hello\nworld\n")
    work.write("img.bin", BINARY)
    work.write(UNICODE_NAME, "unicode\n")
    work.remove("src/main.py")
    second = work.commit("second: add, modify, delete")
    work.write("docs/api.rst", "API\n===\n\nmore\n")
    third = work.commit("third")
    work.push()
    return History([first, second, third], work.main_branch)
