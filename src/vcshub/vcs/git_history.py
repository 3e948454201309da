"""File history and blame for git, through the ``git`` binary.

``git log --follow`` and ``git blame`` are git's own answers to "which commits changed this
file, across renames" and "which commit wrote this line": libgit2 has no rename following in
its walker, and reimplementing git's rename heuristics here would give different answers from
the ones users see locally. Both commands read the commit-graph (and its changed-path Bloom
filters) when the repository has one, which keeps path-limited walks of big histories cheap.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import git_command
from .errors import NodeNotFound
from .history import BlameLine, FileRevision

if TYPE_CHECKING:
    from .git import GitRepository

_RECORD = "\x1e"


def file_history(repo: "GitRepository", rev, path: str, skip: int,
                 limit: int) -> tuple[list[FileRevision], bool]:
    commit = repo.get_commit(rev)
    node = commit.get_node(path)
    if not node.is_file:
        raise NodeNotFound(f"{path!r} is not a file")
    out = git_command.run(
        ["-c", "core.quotepath=off", "log", "--follow", "-M", "-z", "--name-only",
         f"--max-count={skip + limit + 1}", f"--format={_RECORD}%H",
         commit.raw_id, "--", node.path],
        git_dir=repo._git.path,
    )
    # --skip is not given to git: --follow switches to the older name only while it shows a
    # commit, so a rename inside the skipped part would be missed. Pages are cut here.
    skip = max(skip, 0)
    found = []
    for record in out.decode("utf-8", "surrogateescape").split(_RECORD)[1:]:
        commit_id, _sep, names = record.partition("\n")
        paths = [p for p in names.split("\x00") if p]
        found.append((commit_id.strip("\x00"), paths[-1] if paths else node.path))
    more = len(found) > skip + limit
    revisions = []
    for commit_id, at_path in found[skip:skip + limit]:
        changed = repo.get_commit(commit_id)
        revisions.append(FileRevision(changed.raw_id, at_path, changed.date, changed.author,
                                      changed.summary))
    return revisions, more


def annotate(repo: "GitRepository", rev, path: str) -> list[BlameLine]:
    commit = repo.get_commit(rev)
    node = commit.get_node(path)
    if not node.is_file:
        raise NodeNotFound(f"{path!r} is not a file")
    out = git_command.run(["blame", "--porcelain", commit.raw_id, "--", node.path],
                          git_dir=repo._git.path)
    return _parse_porcelain(out)


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
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            commit_id = head
            final = int(value.split(" ")[1])
            current = commits.setdefault(commit_id, {})
        elif head:
            current[head] = value
    return lines
