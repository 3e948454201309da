"""The last changeset that changed each entry of a Mercurial directory: a walk of the
changelog's file lists, newest ancestor first.

Each changelog entry names the files its changeset touched, so the walk reads no manifest and
no filelog; it stops once every entry has its changeset or when the time budget is spent
(entries not found by then are left out).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import TYPE_CHECKING

from mercurial import node as hgnode

from .hg_commit import path_bytes, path_str

if TYPE_CHECKING:
    from .hg import HgRepository

_CLOCK_EVERY = 512  # changesets between two looks at the clock


def last_changes(repo: "HgRepository", rev, path: str, names: Collection[str],
                 budget: float) -> tuple[dict[str, str], bool]:
    """(name → id of the newest changeset that changed it, True when every name was found)."""
    ctx = repo._ctx(rev)
    changelog = repo.repo.changelog
    prefix = path_bytes(path) + b"/" if path else b""
    wanted = {path_bytes(name) for name in names}
    found: dict[bytes, int] = {}
    deadline = time.monotonic() + budget
    if wanted:
        # ancestors() yields by descending revision number: children before parents
        for count, number in enumerate(changelog.ancestors([ctx.rev()], inclusive=True)):
            if count % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
                break
            for changed in changelog.changelogrevision(number).files:
                if changed.startswith(prefix):
                    name = changed[len(prefix):].split(b"/", 1)[0]
                    if name in wanted and name not in found:
                        found[name] = number
            if len(found) == len(wanted):
                break
    result = {path_str(name): hgnode.hex(changelog.node(number)).decode("ascii")
              for name, number in found.items()}
    return result, len(found) == len(wanted)
