"""Network operations for git, delegated to the ``git`` binary.

libgit2 (through pygit2) lacks parts of the smart protocols and the
credential/proxy handling users expect, so clone and fetch run real git.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .errors import CloneError

GIT_BINARY = "git"

# A remote that stops sending (or never answers) must not hold a request, and the database
# transaction around it, forever: HTTP transfers slower than 1 byte/s for a minute abort, and
# every network operation has an overall limit.
STALL_OPTIONS = ("-c", "http.lowSpeedLimit=1", "-c", "http.lowSpeedTime=60")
NETWORK_TIMEOUT = 3600.0

# Refspecs that make a fetch behave like a mirror for branches and tags
# (forced updates) without touching other namespaces.
MIRROR_REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # A server must never block waiting for a password prompt.
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_ASKPASS"] = "true"
    env["SSH_ASKPASS"] = "true"
    env["GIT_SSH_COMMAND"] = env.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env["LC_ALL"] = "C"
    return env


def _command(args: list[str]) -> str:
    """The git command's name, past any ``-c`` options and ``--git-dir``."""
    rest = list(args)
    while rest and rest[0] in ("-c", "--git-dir"):
        rest = rest[2:]
    return rest[0] if rest else "?"


def run_git(args: list[str], timeout: float | None = None) -> str:
    """Run git and return stdout; failures raise :class:`CloneError`
    carrying git's own error message."""
    cmd = [GIT_BINARY, *args]
    try:
        proc = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, capture_output=True,
            env=_environment(), timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise CloneError(f"git {_command(args)} timed out after {timeout:.0f}s") from None
    except OSError as exc:
        raise CloneError(f"cannot run git: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        lines = [ln for ln in message.splitlines() if ln.strip()]
        detail = "; ".join(lines[-3:]) or f"exit code {proc.returncode}"
        raise CloneError(f"git {_command(args)} failed: {detail}")
    return proc.stdout.decode("utf-8", "replace")


def clone_mirror(source: str, dest: Path, timeout: float = NETWORK_TIMEOUT) -> None:
    """``git clone --mirror`` of ``source`` into the (new) folder ``dest``."""
    run_git([*STALL_OPTIONS, "clone", "--mirror", "--quiet", "--", source, str(dest)], timeout)


def fetch_mirror(git_dir: Path, source: str, timeout: float = NETWORK_TIMEOUT) -> None:
    """Fetch every branch and tag of ``source`` into ``git_dir``,
    force-updating local refs of the same name (no pruning, so branches
    pushed only to this server survive)."""
    run_git(
        [*STALL_OPTIONS, "--git-dir", str(git_dir), "fetch", "--quiet", "--no-write-fetch-head",
         "--update-head-ok", "--end-of-options", source, *MIRROR_REFSPECS],
        timeout,
    )


def remote_head_branch(source: str, timeout: float = 60.0) -> str | None:
    """Branch the remote HEAD points to, if the remote advertises it."""
    try:
        out = run_git([*STALL_OPTIONS, "ls-remote", "--symref", "--", source, "HEAD"], timeout)
    except CloneError:
        return None
    for line in out.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/"):-len("\tHEAD")]
    return None
