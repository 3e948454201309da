"""A range of commits by position, date and branch: Kallithea 0.7's ``get_changesets``.

Kallithea lists commits oldest first, from ``start`` to ``end`` (both included), keeps those
of a branch and inside a date window, and may cap and reverse the list. Its two backends cap
differently (git keeps the newest, hg the oldest); here the cap keeps the oldest, after the
other filters, whatever the backend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vcshub import vcs
from vcshub.services.errors import BadCommitRange
from vcshub.services.repo_contents.reading import commit_at


@dataclass(frozen=True)
class CommitRange:
    start: str | None = None
    end: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    branch: str | None = None
    reverse: bool = False
    limit: int | None = None


def commit_range(repository: vcs.Repository, wanted: CommitRange) -> list[vcs.Commit]:
    """The commits ``wanted`` names, oldest first (newest first with ``reverse``).

    BadCommitRange for an unknown branch, start or end, or a start after the end.
    """
    commits = repository.commits()
    if wanted.branch is not None:
        commits = _on_branch(repository, commits, wanted.branch)
    positions = {c.raw_id: i for i, c in enumerate(commits)}
    first = _position(repository, positions, wanted.start, 0)
    last = _position(repository, positions, wanted.end, len(commits) - 1)
    if wanted.start is not None and wanted.end is not None and first > last:
        raise BadCommitRange("start cannot be after end")
    chosen = [
        c for c in commits[first:last + 1]
        if (wanted.since is None or c.date >= wanted.since)
        and (wanted.until is None or c.date <= wanted.until)
    ]
    if wanted.limit:
        chosen = chosen[:wanted.limit]
    if wanted.reverse:
        chosen.reverse()
    return chosen


def _position(repository: vcs.Repository, positions: dict[str, int], rev: str | None,
              default: int) -> int:
    """Where ``rev`` is in the range; a commit outside it (another branch) leaves the default,
    as Kallithea does."""
    if rev is None:
        return default
    try:
        commit = commit_at(repository, rev)
    except vcs.CommitNotFound:
        raise BadCommitRange(f"Changeset {rev} does not exist") from None
    return positions.get(commit.raw_id, default)


def _on_branch(repository: vcs.Repository, commits: list[vcs.Commit],
               branch: str) -> list[vcs.Commit]:
    """hg: the commits of the named branch; git: those reachable from the branch's head."""
    heads = dict(repository.branches())
    if repository.kind == "hg":
        heads.update(repository.branches(closed=True))
        if branch not in heads:
            raise BadCommitRange(f"Branch '{branch}' not found")
        return [c for c in commits if c.branch == branch]
    if branch not in heads:
        raise BadCommitRange(f"Branch '{branch}' not found")
    by_id = {c.raw_id: c for c in commits}
    reachable, todo = set(), [heads[branch]]
    while todo:
        commit_id = todo.pop()
        if commit_id in reachable or commit_id not in by_id:
            continue
        reachable.add(commit_id)
        todo.extend(by_id[commit_id].parents)
    return [c for c in commits if c.raw_id in reachable]
