"""File history and blame for git, through the ``git`` binary.

``git log -- <path>`` and ``git blame`` walk in C and read the commit-graph's changed-path
Bloom filters when the repository has them (:meth:`GitRepository.housekeep` writes them), which
keeps path-limited walks of big histories cheap; libgit2's walker has neither path limiting
nor Bloom filters. Renames are found with git's own similarity rules (libgit2's find_similar
uses the same defaults).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

import pygit2
from pygit2.enums import DeltaStatus, DiffFind

from . import git_command
from .errors import NodeNotFound
from .history import BlameLine, FileRevision

if TYPE_CHECKING:
    from .git import GitRepository

def file_history(repo: "GitRepository", rev, path: str, skip: int,
                 limit: int) -> tuple[list[FileRevision], bool]:
    commit = repo.get_commit(rev)
    node = commit.get_node(path)
    if not node.is_file:
        raise NodeNotFound(f"{path!r} is not a file")
    # Not ``git log --follow``: it cannot use the commit-graph's changed-path Bloom filters
    # (seconds on a 100,000-commit history for a file changed a few times). A plain
    # path-limited log can; where it ends on the commit that added the file, the addition is
    # checked for a rename (what --follow checks too) and the walk goes on from its parent
    # under the old name. Pages are cut here (--skip would not see renames it skips).
    wanted = max(skip, 0) + limit + 1
    found: list[tuple[str, str]] = []
    start, current = commit.raw_id, node.path
    while len(found) < wanted:
        ids = _log(repo, start, current, wanted - len(found))
        found.extend((commit_id, current) for commit_id in ids)
        if not ids or len(found) >= wanted:
            break
        older = _renamed_from(repo, ids[-1], current)
        if older is None:
            break
        start, current = older
    more = len(found) > max(skip, 0) + limit
    revisions = []
    for commit_id, at_path in found[max(skip, 0):max(skip, 0) + limit]:
        changed = repo.get_commit(commit_id)
        revisions.append(FileRevision(changed.raw_id, at_path, changed.date, changed.author,
                                      changed.summary))
    return revisions, more


def _log(repo: "GitRepository", start: str, path: str, count: int) -> list[str]:
    out = git_command.run(["--literal-pathspecs", "log", f"--max-count={count}", "--format=%H",
                           start, "--", path], git_dir=repo._git.path)
    return out.decode("ascii").split()


def _renamed_from(repo: "GitRepository", commit_id: str, path: str) -> tuple[str, str] | None:
    """(first parent, old path) when the commit created ``path`` by renaming a file."""
    obj = repo._git[pygit2.Oid(hex=commit_id)]
    if not obj.parents:
        return None
    parent = obj.parents[0]
    try:
        parent.tree[path]
        return None  # the file was there before: changed, not created
    except KeyError:
        pass
    diff = parent.tree.diff_to_tree(obj.tree)
    diff.find_similar(flags=DiffFind.FIND_RENAMES)
    for delta in diff.deltas:
        if delta.status == DeltaStatus.RENAMED and delta.new_file.path == path:
            return str(parent.id), delta.old_file.path
    return None


def annotate(repo: "GitRepository", rev, path: str) -> list[BlameLine]:
    commit = repo.get_commit(rev)
    node = commit.get_node(path)
    if not node.is_file:
        raise NodeNotFound(f"{path!r} is not a file")
    out = git_command.run(["--literal-pathspecs", "blame", "--porcelain", commit.raw_id, "--",
                           node.path],
                          git_dir=repo._git.path)
    return _parse_porcelain(out)


_COMMIT_ID = re.compile(r"[0-9a-f]{40}")  # a header line's first word (a regex: 5x faster)


def _parse_porcelain(out: bytes) -> list[BlameLine]:
    """``git blame --porcelain``: a header per line (``<id> <orig> <final> [<count>]``), the
    commit's fields the first time it appears, then the line itself after a tab."""
    commits: dict[str, dict[str, str]] = {}
    lines: list[BlameLine] = []
    current: dict[str, str] = {}
    commit_id = ""
    final = 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            fields = commits[commit_id]
            lines.append(BlameLine(
                line=final,
                commit_id=commit_id,
                author=f"{fields.get('author', '')} {fields.get('author-mail', '<>')}",
                date=datetime.fromtimestamp(int(fields.get("committer-time", "0"))),
                text=raw[1:].decode("utf-8", "replace"),
            ))
            continue
        text = raw.decode("utf-8", "replace")
        head, _sep, value = text.partition(" ")
        if len(head) == 40 and _COMMIT_ID.fullmatch(head):
            commit_id = head
            final = int(value.split(" ")[1])
            current = commits.setdefault(commit_id, {})
        elif head:
            current[head] = value
    return lines
