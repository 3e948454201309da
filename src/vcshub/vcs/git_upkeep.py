"""Keeping a bare git repository fast to clone and to read, after pushes and on demand.

A pushed repository grows a loose object or a small pack per push. Left alone, every clone
recounts every object (no reachability bitmap) and history walks read every commit (no
commit-graph). :func:`housekeep` does what is due, and only that:

- **repack** when loose objects or packs pile up (or no bitmap exists yet): a geometric roll-up
  (``git repack --geometric=2``) merges the small packs and the loose objects into as few
  packs as keep a factor of two between sizes, so the big pack of the history is rewritten
  rarely; a multi-pack index with a reachability bitmap covers them all, which is what makes
  ``upload-pack`` answer a clone without counting objects;
- **commit-graph**: a new layer for the commits it lacks, with changed-path Bloom filters (a
  file's history and blame then skip the commits that did not touch it).

``full`` (the ``maintenance`` API method and ``vcshub maintenance``) rewrites everything: one
pack, packed refs, a fresh commit-graph. Concurrent pushes are safe with either: git writes a
push's objects before its refs and a repack only deletes the packs it has rolled up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import git_command

LOOSE_OBJECTS_DUE = 100  # git's own unpackLimit: a push of fewer objects stays loose
PACKS_DUE = 6
REPACK = "repack: loose objects and small packs rolled up, with a reachability bitmap"
REPACK_ALL = "repack: every object in one pack, with a reachability bitmap"
PACK_REFS = "pack-refs: every ref in one file"
COMMIT_GRAPH = "commit-graph: new commits added, with changed-path Bloom filters"
COMMIT_GRAPH_ALL = "commit-graph: rewritten, with changed-path Bloom filters"


@dataclass(frozen=True)
class ObjectCounts:
    loose: int
    packs: int
    bitmap: bool  # a reachability bitmap exists (of a pack or of the multi-pack index)


def object_counts(git_dir: Path) -> ObjectCounts:
    """What ``git count-objects`` says, and whether a bitmap exists: cheap, no object read."""
    stats = dict(
        line.split(": ", 1)
        for line in git_command.run(["count-objects", "-v"], git_dir=git_dir).decode().splitlines()
        if ": " in line
    )
    pack_dir = git_dir / "objects" / "pack"
    bitmap = pack_dir.is_dir() and any(p.suffix == ".bitmap" for p in pack_dir.iterdir())
    return ObjectCounts(int(stats.get("count", 0)), int(stats.get("packs", 0)), bitmap)


def repack_due(counts: ObjectCounts) -> bool:
    if counts.loose == 0 and counts.packs == 0:
        return False  # nothing stored yet
    return (counts.loose >= LOOSE_OBJECTS_DUE or counts.packs >= PACKS_DUE
            or not counts.bitmap)


def housekeep(git_dir: Path, full: bool = False) -> list[str]:
    """Do what is due (everything when ``full``); the actions taken, as sentences."""
    counts = object_counts(git_dir)
    actions = []
    # Bitmaps cover every object of the packs they index; keep them writable even when a
    # repository was created with repack.writeBitmaps off.
    settings = ["-c", "repack.writeBitmaps=true", "-c", "pack.writeBitmapHashCache=true"]
    if full:
        if counts.loose or counts.packs:
            git_command.run([*settings, "repack", "-a", "-d", "-q", "--write-midx",
                             "--write-bitmap-index"], git_dir=git_dir)
            actions.append(REPACK_ALL)
        git_command.run(["pack-refs", "--all", "--prune"], git_dir=git_dir)
        actions.append(PACK_REFS)
        git_command.run(["commit-graph", "write", "--reachable", "--changed-paths",
                         "--split=replace"], git_dir=git_dir)
        actions.append(COMMIT_GRAPH_ALL)
        return actions
    if repack_due(counts):
        git_command.run([*settings, "repack", "-d", "-q", "--geometric=2", "--write-midx",
                         "--write-bitmap-index"], git_dir=git_dir)
        actions.append(REPACK)
    git_command.run(["commit-graph", "write", "--reachable", "--split", "--changed-paths"],
                    git_dir=git_dir)
    actions.append(COMMIT_GRAPH)
    return actions
