"""Network operations for Mercurial, run as an ``hg`` child process.

In-process, a Mercurial clone or pull cannot be interrupted: a remote that never answers would
hold the thread (and everything the request holds) forever. A child process can be watched and
killed (:mod:`remote_transfer`), and gets the same limits as git.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import address_guard
from .remote_transfer import TransferLimits, child_environment, run_transfer

DEFAULT_LIMITS = TransferLimits()

# The Mercurial installed beside this interpreter, whatever PATH says.
_HG = (sys.executable, "-c", "from mercurial import dispatch; dispatch.run()")


def _run(args: list[str], limits: TransferLimits, command: str) -> None:
    stall = max(1, int(limits.stall))
    options = [
        "--noninteractive",
        "--config", f"ui.ssh={limits.ssh()}",
        "--config", f"http.timeout={stall}",
        # progress on stderr is what the stall watchdog sees moving
        "--config", "progress.assume-tty=true", "--config", "progress.delay=0",
    ]
    if limits.public_only:
        options += ["--config", f"extensions.vcshub_address_guard={address_guard.__file__}"]
    # No hgrc of the server account or the system (as vcs.hg.make_ui), UTF-8 metadata.
    env = child_environment(
        limits, {"HGRCPATH": "", "HGENCODING": "utf-8", "HGPLAIN": "1", "HGPLAINEXCEPT": "progress"}
    )
    run_transfer([*_HG, *options, *args], limits, f"hg {command}", env)


def clone(source: str, dest: Path, limits: TransferLimits = DEFAULT_LIMITS) -> None:
    """Clone ``source`` into the new folder ``dest`` without a checkout."""
    _run(["clone", "--noupdate", "--", source, str(dest)], limits, "clone")


def pull(repo_path: Path, source: str, limits: TransferLimits = DEFAULT_LIMITS) -> None:
    """Pull every changeset, bookmark and phase from ``source`` into ``repo_path``."""
    _run(["--repository", str(repo_path), "pull", "--", source], limits, "pull")
