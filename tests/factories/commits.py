"""Real commits in real repositories, made with the real ``git`` and ``hg`` command-line clients.
(Mercurial commands on local folders run its command dispatcher inside the test process, see
:mod:`tests.factories.hg_commands`: same code as the ``hg`` script, without its start-up.)

The one way every tier puts commits into a repository: the vcs tests into a bare repository
made by ``vcshub.vcs``, the service tests into a repository made by ``services.repos``, the
API/transport/web tests into one hosted by the live server. All of them are reached through
their folder (a local path), exactly as an administrator working on the server would: clone,
commit, push back. Every command runs with a clean, fixed identity and no user or system
configuration, so the results do not depend on the machine running the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from tests.factories import hg_commands

AUTHOR_NAME = "Test Author"
AUTHOR_EMAIL = "author@example.com"
AUTHOR = f"{AUTHOR_NAME} <{AUTHOR_EMAIL}>"
HG = shutil.which("hg") or "hg"
GIT = shutil.which("git") or "git"

# A file with a NUL byte: both backends and the API must call it binary.
BINARY_BYTES = bytes(range(256)) * 4

Files = Mapping[str, bytes | str | None]  # path → content; None deletes the file


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HG"))}
    env.update(
        HOME=str(home),
        LC_ALL="C",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=AUTHOR_NAME,
        GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
        GIT_COMMITTER_NAME=AUTHOR_NAME,
        GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
        GIT_TERMINAL_PROMPT="0",
        HGUSER=AUTHOR,
        HGPLAIN="1",
        HGRCPATH="",  # no hgrc at all: no extensions, no hooks
        HGENCODING="utf-8",
    )
    return env


def run(args: list[str], cwd: Path | None = None, home: Path | None = None, *,
        env: Mapping[str, str] | None = None, ok_codes: tuple[int, ...] = (0,)) -> str:
    """Run a client command (``env``: variables on top of the clean environment); fail loudly
    with its output unless it exits with one of ``ok_codes``."""
    home = home or Path(tempfile.gettempdir())
    if os.path.basename(args[0]) == "hg" and hg_commands.runs_here(args[1:], cwd):
        identity = {**_environment(home), **(env or {})}
        code, out, err = hg_commands.run([str(arg) for arg in args[1:]], cwd, identity)
        if code not in ok_codes:
            raise AssertionError(f"{' '.join(map(str, args))} failed ({code}):\n{out}\n{err}")
        return out
    proc = subprocess.run(
        args, cwd=cwd, env={**_environment(home), **(env or {})}, capture_output=True,
        text=True, timeout=120,
    )
    if proc.returncode not in ok_codes:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


class WorkingCopy:
    """A checkout of a Git or Mercurial repository in a temporary folder.

    Every command it runs commits as ``author_name <author_email>`` (a subclass may change them).
    """

    author_name = AUTHOR_NAME
    author_email = AUTHOR_EMAIL

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind

    # -- making one -------------------------------------------------------------------------
    @classmethod
    def init(cls, path: Path, kind: str) -> WorkingCopy:
        """A new, empty repository with a working tree (a source for ``clone_uri``)."""
        path.mkdir(parents=True, exist_ok=True)
        if kind == "git":
            run([GIT, "init", "--quiet", "--initial-branch=master", str(path)])
        else:
            run([HG, "init", str(path)])
        return cls(path, kind)

    @classmethod
    def clone(cls, source: Path | str, path: Path, kind: str) -> WorkingCopy:
        if kind == "git":
            run([GIT, "clone", "--quiet", str(source), str(path)])
        else:
            run([HG, "clone", "--quiet", str(source), str(path)])
        return cls(path, kind)

    # -- changing it ------------------------------------------------------------------------
    def commit(self, files: Files, message: str = "change", branch: str | None = None, *,
               date: int | None = None) -> str:
        """Write (or delete) files and commit them (at ``date``, Unix seconds UTC, if given);
        returns the new commit's full id."""
        if branch is not None:
            self._switch_branch(branch)
        for name, content in files.items():
            target = self.path / name
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                content = content.encode()
            target.write_bytes(content)
        if self.kind == "git":
            self.git("add", "--all")
            self.git("commit", "--quiet", "--allow-empty", "-m", message, env=git_date(date))
        else:
            self.hg("commit", "--addremove", "-m", message, *hg_date(date))
        return self.tip()

    def _switch_branch(self, branch: str) -> None:
        if self.kind == "git":
            self.git("checkout", "--quiet", "-B", branch)
        else:
            self.hg("branch", "--force", branch)

    def continue_branch(self, branch: str) -> None:
        """Commit on top of ``branch`` as the cloned repository has it, or start it here."""
        if self.kind == "git":
            known = self.git("branch", "--remotes", "--list", f"origin/{branch}").strip()
            self.git("checkout", "--quiet", "-B", branch, *([f"origin/{branch}"] if known else []))
        elif branch in self.hg("branches", "--template", "{branch}\n").split():
            self.hg("update", "--quiet", branch)
        else:
            self.hg("branch", "--force", branch)

    def tip(self) -> str:
        if self.kind == "git":
            return self.git("rev-parse", "HEAD").strip()
        return self.hg("log", "-r", ".", "--template", "{node}").strip()

    def push(self, branch: str | None = None) -> None:
        """Send every new commit back to where the copy was cloned from."""
        if self.kind == "git":
            branch = branch or self.git("rev-parse", "--abbrev-ref", "HEAD").strip()
            self.git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")
        else:
            self.hg("push", "--new-branch", "--quiet")

    def git(self, *args: str, env: Mapping[str, str] | None = None, **options) -> str:
        return run([GIT, *args], cwd=self.path, home=self.path.parent,
                   env={**self._identity(), **(env or {})}, **options)

    def hg(self, *args: str, env: Mapping[str, str] | None = None, **options) -> str:
        return run([HG, *args], cwd=self.path, home=self.path.parent,
                   env={**self._identity(), **(env or {})}, **options)

    def _identity(self) -> dict[str, str]:
        name, email = self.author_name, self.author_email
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email, "HGUSER": f"{name} <{email}>"}


def git_date(date: int | None) -> dict[str, str]:
    """The environment that dates a git commit or tag (none: now)."""
    stamp = f"{date} +0000"
    return {} if date is None else {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def hg_date(date: int | None) -> list[str]:
    """The arguments that date an hg commit or tag (none: now)."""
    return [] if date is None else ["-d", f"{date} 0"]


def commit_into(folder: Path, kind: str, *changes: Files, branch: str | None = None) -> list[str]:
    """Clone the repository at ``folder``, make one commit per mapping, push; the new commit ids.

    Git commits go to ``branch``, by default the branch the repository's HEAD names (``master``);
    Mercurial commits to ``branch`` (a named branch) or to the working copy's branch.
    """
    with tempfile.TemporaryDirectory(prefix="vcshub-work-") as tmp:
        work = WorkingCopy.clone(folder, Path(tmp) / "w", kind)
        if kind == "git":
            branch = branch or _hosted_head_branch(folder)
        if branch is not None:
            work.continue_branch(branch)
        ids = [
            work.commit(files, message=f"commit {i}\n\ndetails of commit {i}")
            for i, files in enumerate(changes)
        ]
        work.push(branch)
        return ids


def _hosted_head_branch(folder: Path) -> str:
    """The branch a bare repository's HEAD names (``master`` unless configured otherwise)."""
    ref = run([GIT, "--git-dir", str(folder), "symbolic-ref", "HEAD"]).strip()
    return ref.removeprefix("refs/heads/")


def make_source_repository(path: Path, kind: str, *changes: Files) -> tuple[WorkingCopy, list[str]]:
    """A repository outside the storage, with commits: what ``clone_uri`` points at."""
    work = WorkingCopy.init(path, kind)
    ids = [work.commit(files, message=f"source commit {i}") for i, files in enumerate(changes)]
    return work, ids


def log_ids(folder: Path, kind: str) -> list[str]:
    """Every commit id of a repository on disk, oldest first (read with the client)."""
    if kind == "git":
        out = run([GIT, "--git-dir", str(_git_dir(folder)), "rev-list", "--all", "--reverse",
                   "--topo-order"])
    else:
        out = run([HG, "log", "-R", str(folder), "--template", "{node}\n", "-r", "all()"])
    return [line for line in out.splitlines() if line]


def _git_dir(folder: Path) -> Path:
    return folder / ".git" if (folder / ".git").is_dir() else folder


def sample_tree() -> dict[str, bytes | str]:
    """Nested directories, a binary file and a file with several lines."""
    return {
        "README.rst": "Readme\n======\n\nline 4\n",
        "docs/api.rst": "API\n",
        "docs/deep/nested/leaf.txt": "leaf\n",
        "src/main.py": "print('hello')\n",
        "logo.bin": BINARY_BYTES,
    }
