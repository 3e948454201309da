"""File history and annotate for Mercurial, from the filelogs.

A filelog holds exactly the revisions of one file and records copies and renames, so a file's
history is a walk of its own revisions (never of the changelog), following the copy source when
the walk reaches a copied file's first revision.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .errors import NodeNotFound
from .history import BlameLine, FileRevision
from .hg_commit import HgCommit, path_bytes, path_str, to_str
from .nodes import normalize_path

if TYPE_CHECKING:
    from .hg import HgRepository


def _filectx(repo: "HgRepository", rev, path: str):
    ctx = repo._ctx(rev)
    bpath = path_bytes(normalize_path(path))
    if not bpath or bpath not in ctx.manifest():
        raise NodeNotFound(f"no file {path!r} in changeset {ctx.hex().decode()}")
    return ctx[bpath]


def file_history(repo: "HgRepository", rev, path: str, skip: int,
                 limit: int) -> tuple[list[FileRevision], bool]:
    fctx = _filectx(repo, rev, path)
    # ancestors() yields the file's earlier revisions newest first (by the changeset that
    # introduced them), through copy sources; nothing past skip + limit + 1 is read.
    walk = itertools.chain([fctx.introfilectx()], fctx.introfilectx().ancestors(followfirst=False))
    page = list(itertools.islice(walk, max(skip, 0), max(skip, 0) + limit + 1))
    hg = repo.repo
    revisions = []
    for fc in page[:limit]:
        commit = HgCommit(repo, hg[fc.introrev()])
        revisions.append(FileRevision(commit.raw_id, path_str(fc.path()), commit.date,
                                      commit.author, commit.summary))
    return revisions, len(page) > limit


def annotate(repo: "HgRepository", rev, path: str) -> list[BlameLine]:
    fctx = _filectx(repo, rev, path)
    commits: dict[int, HgCommit] = {}
    hg = repo.repo
    lines = []
    for number, line in enumerate(fctx.annotate(follow=True), 1):
        changeset = line.fctx.rev()
        commit = commits.get(changeset)
        if commit is None:
            commit = commits[changeset] = HgCommit(repo, hg[changeset])
        lines.append(BlameLine(number, commit.raw_id, commit.author, commit.date,
                               to_str(line.text).rstrip("\r\n")))
    return lines
