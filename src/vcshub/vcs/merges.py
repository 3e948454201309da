"""Merge outcome shared by both backends, and the scratch folder merges work in.

A merge is always computed away from the target repository (see
:mod:`.git_merge` and :mod:`.hg_merge`): the target only ever receives a
finished merge, published with a compare-and-swap on the target branch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .errors import CommitNotFound


class MergeStatus(StrEnum):
    """What :meth:`Repository.merge` did (or, with ``dry_run``, would do)."""

    MERGED = "merged"  # merged, fast-forwarded, or nothing left to merge
    CONFLICT = "conflict"  # the changes conflict; nothing was written
    TARGET_MOVED = "target_moved"  # the branch moved while merging; target unchanged
    NOT_HEAD = "not_head"  # target_commit is not the branch head to begin with
    MISSING_REF = "missing_ref"  # unknown branch or commit, or no source repository
    MULTIPLE_HEADS = "multiple_heads"  # hg: the target branch has several heads
    ERROR = "error"  # anything else (a failing subprocess, a broken repository)


@dataclass
class MergeResult:
    """Outcome of a merge.

    ``merge_commit`` is the id the target branch points to after a real
    merge: the new merge commit, the source commit for an hg fast-forward,
    or the unchanged target commit when the source was already merged. It
    is None for a dry run and for every status but MERGED.
    """

    status: MergeStatus
    merge_commit: str | None = None
    message: str = ""


@contextmanager
def merge_workspace(target: Path) -> Iterator[Path]:
    """A fresh folder beside the ``target`` repository, removed afterwards.

    Beside the target so that hardlinks (hg clone) work, as they need the same
    file system; dot-prefixed so that repository rescans skip it.
    """
    target = Path(target)
    path = Path(tempfile.mkdtemp(prefix=f".{target.name}.merge-", dir=target.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def same_repository(a: Path, b: Path) -> bool:
    """True when both paths name the same repository folder."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def require_both(source: object, target: object, source_commit: str, target_commit: str) -> None:
    """Both revisions of a pair were found (``None`` is not found), or CommitNotFound naming
    the missing one, the source first."""
    if source is None:
        raise CommitNotFound(f"unknown source revision {source_commit!r}")
    if target is None:
        raise CommitNotFound(f"unknown target revision {target_commit!r}")
