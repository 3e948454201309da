"""Fixtures building real git/hg repositories with the command-line clients.

Commits are made in a working clone (the factories' :class:`~tests.factories.commits.WorkingCopy`)
and pushed into a server repository created by :func:`vcshub.vcs.create_repository`, exactly
like users do.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import commits
from tests.factories.commits import HG, run
from vcshub.vcs import create_repository

__all__ = ["AUTHOR", "HG", "WorkingCopy", "run"]

AUTHOR_NAME, AUTHOR_EMAIL = "Test User", "test@example.com"
AUTHOR = f"{AUTHOR_NAME} <{AUTHOR_EMAIL}>"
BASE_TS = 1_700_000_000


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """Deterministic identities and no user configuration (for the library under test too)."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", AUTHOR_NAME)
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", AUTHOR_EMAIL)
    monkeypatch.setenv("GIT_COMMITTER_NAME", AUTHOR_NAME)
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", AUTHOR_EMAIL)
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


class WorkingCopy(commits.WorkingCopy):
    """A clone of ``server`` in the vcs tests' convention: write files, then commit them all.

    Dates strictly increase, one minute per commit or tag, so date ordering is unambiguous.
    """

    author_name, author_email = AUTHOR_NAME, AUTHOR_EMAIL

    def __init__(self, kind: str, server: Path, path: Path) -> None:
        commits.WorkingCopy.clone(server, path, kind)
        super().__init__(path, kind)
        self.server = server
        self._tick = 0
        if kind == "git":  # an empty clone's HEAD names no branch yet
            self.git("symbolic-ref", "HEAD", "refs/heads/master")
        self.main_branch = "master" if kind == "git" else "default"

    def write(self, name: str, content: bytes | str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)

    def remove(self, name: str) -> None:
        (self.path / name).unlink()

    def rename(self, old: str, new: str) -> None:
        """Move a file the way users do (``git mv`` / ``hg mv``: hg records the rename)."""
        if self.kind == "git":
            self.git("mv", old, new)
        else:
            self.hg("mv", old, new)

    def symlink(self, name: str, target: str) -> None:
        os.symlink(target, self.path / name)

    def _next_date(self) -> int:
        self._tick += 1
        return BASE_TS + self._tick * 60

    def commit(self, message: str) -> str:  # type: ignore[override]
        """Commit everything written; return the new commit id."""
        return super().commit({}, message, date=self._next_date())

    def branch(self, name: str) -> None:
        """Start a new branch from the current commit."""
        if self.kind == "git":
            self.git("checkout", "-q", "-b", name)
        else:
            self.hg("branch", "-q", name)

    def switch(self, name: str) -> None:
        if self.kind == "git":
            self.git("checkout", "-q", name)
        else:
            self.hg("update", "-q", name)

    def tag(self, name: str, rev: str) -> None:
        """Tag ``rev`` (hg adds a tagging commit, git an annotated tag)."""
        date = self._next_date()
        if self.kind == "git":
            self.git("tag", "-a", name, "-m", f"tag {name}", rev, env=commits.git_date(date))
        else:
            self.hg("tag", "-r", rev, *commits.hg_date(date), name)

    def bookmark(self, name: str, rev: str) -> None:
        self.hg("bookmark", "-r", rev, name)

    def push(self, bookmarks: tuple[str, ...] = ()) -> None:  # type: ignore[override]
        if self.kind == "git":
            self.git("push", "-q", "origin", "--all")
            self.git("push", "-q", "origin", "--tags")
        else:
            # Exit code 1 means "nothing to push".
            self.hg("push", "-q", "--new-branch", ok_codes=(0, 1))
            if bookmarks:
                # Separate push: -B would restrict the push to the bookmark.
                extra = [arg for b in bookmarks for arg in ("-B", b)]
                self.hg("push", "-q", *extra, ok_codes=(0, 1))


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
