"""Network operations for git, delegated to the ``git`` binary.

libgit2 (through pygit2) lacks parts of the smart protocols and the
credential/proxy handling users expect, so clone and fetch run real git,
watched by :mod:`remote_transfer` (stall limit, deadline, concurrency cap).
"""

from __future__ import annotations

from pathlib import Path

from .errors import CloneError
from .git_command import GIT_BINARY
from .remote_transfer import TransferLimits, run_transfer


# Refspecs that make a fetch behave like a mirror for branches and tags
# (forced updates) without touching other namespaces.
MIRROR_REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")

DEFAULT_LIMITS = TransferLimits()


def _options(limits: TransferLimits) -> list[str]:
    """``-c`` options: curl's own stall limit for http(s) (the watchdog covers every scheme),
    and for callers held to public addresses no redirects and the checked addresses only."""
    stall = max(1, int(limits.stall))
    options = ["-c", "http.lowSpeedLimit=1", "-c", f"http.lowSpeedTime={stall}"]
    if limits.public_only:
        options += ["-c", "http.followRedirects=false", "-c", "protocol.file.allow=never",
                    "-c", "protocol.ext.allow=never"]
        for entry in limits.pinned:
            options += ["-c", f"http.curloptResolve={entry}"]
        for old, new in limits.rewrites:
            options += ["-c", f"url.{new}.insteadOf={old}"]
    return options


def _run(args: list[str], limits: TransferLimits, command: str) -> str:
    return run_transfer([GIT_BINARY, *_options(limits), *args], limits, f"git {command}")


def clone_mirror(source: str, dest: Path, limits: TransferLimits = DEFAULT_LIMITS) -> None:
    """``git clone --mirror`` of ``source`` into the (new) folder ``dest``."""
    _run(["clone", "--mirror", "--progress", "--", source, str(dest)], limits, "clone")


def fetch_mirror(git_dir: Path, source: str, limits: TransferLimits = DEFAULT_LIMITS) -> None:
    """Fetch every branch and tag of ``source`` into ``git_dir``,
    force-updating local refs of the same name (no pruning, so branches
    pushed only to this server survive)."""
    _run(
        ["--git-dir", str(git_dir), "fetch", "--progress", "--no-write-fetch-head",
         "--update-head-ok", "--end-of-options", source, *MIRROR_REFSPECS],
        limits, "fetch",
    )


def remote_head_branch(source: str, limits: TransferLimits = DEFAULT_LIMITS) -> str | None:
    """Branch the remote HEAD points to, if the remote advertises it."""
    try:
        out = _run(["ls-remote", "--symref", "--", source, "HEAD"], limits, "ls-remote")
    except CloneError:
        return None
    for line in out.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/"):-len("\tHEAD")]
    return None
