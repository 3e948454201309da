"""History: the API's commits from a revision, the changelog's pages, a file's history."""

from __future__ import annotations

import heapq
from collections.abc import Callable

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend, commit_at
from vcshub.services.repo_contents.records import (
    Changelog,
    CommitRecord,
    FileHistory,
    FileRevisionRecord,
    in_utc,
)
from vcshub.services.unit_of_work import UnitOfWork

CHANGELOG_PAGE = 50


def commits_from(repository: vcs.Repository, start_rev: str, limit: int) -> list[vcs.Commit]:
    """``limit`` commits going forward from ``start_rev`` (an id, or an index as text)."""
    if limit == 0 or repository.is_empty():
        return []
    start: str | int = int(start_rev) if start_rev.isdigit() and len(start_rev) < 12 else start_rev
    return repository.commits(start=start, limit=None if limit < 0 else limit)


def changelog(uow: UnitOfWork, repo: Repository, rev: str | None = None, page: int = 1,
              per_page: int = CHANGELOG_PAGE, branch: str | None = None) -> Changelog:
    """Page ``page`` (from 1) of the history, newest first.

    Without ``rev``: every commit of the repository (all branches). With ``rev``: that commit
    and its ancestors only. With ``branch`` (instead of ``rev``): the branch's head and its
    ancestors; for hg only the commits of that named branch (as RhodeCode's ``?branch=``).
    CommitNotFound for a branch that does not exist.
    """
    repository = backend(uow, repo)
    skip = (max(page, 1) - 1) * per_page
    if branch is not None:
        head = repository.branches().get(branch)
        if head is None and repo.repo_type == "hg":  # a closed branch can be read too
            head = repository.branches(closed=True).get(branch)
        if head is None:
            raise vcs.CommitNotFound(f"no branch {branch!r}")
        start = commit_at(repository, head)
        on_branch = (lambda c: c.branch == branch) if repo.repo_type == "hg" else None
        commits, more = _ancestors(repository, start, skip, per_page, on_branch)
        return Changelog(commits=commits, page=page, has_next=more,
                         start=CommitRecord.of(start), branch=branch)
    if rev is None:
        if repository.is_empty():
            return Changelog(commits=[], page=page, has_next=False)
        commits, more = newest(repository, skip, per_page)
        return Changelog(commits=commits, page=page, has_next=more)
    start = commit_at(repository, rev)
    commits, more = _ancestors(repository, start, skip, per_page)
    return Changelog(commits=commits, page=page, has_next=more, start=CommitRecord.of(start))


def file_history(uow: UnitOfWork, repo: Repository, rev: str, path: str, page: int = 1,
                 per_page: int = CHANGELOG_PAGE) -> FileHistory:
    """Page ``page`` (from 1) of the commits that changed the file ``path`` as seen from
    ``rev``, newest first, across renames (hg: copies too). NodeNotFound when ``path`` is not
    a file at ``rev``."""
    repository = backend(uow, repo)
    commit = commit_at(repository, rev)
    page = max(page, 1)
    found, more = repository.file_history(commit.raw_id, vcs.normalize_path(path),
                                          skip=(page - 1) * per_page, limit=per_page)
    revisions = [FileRevisionRecord(r.commit_id, r.path, r.author, in_utc(r.date), r.summary)
                 for r in found]
    return FileHistory(commit=CommitRecord.of(commit), path=vcs.normalize_path(path),
                       revisions=revisions, page=page, has_next=more)


def newest(repository: vcs.Repository, skip: int, limit: int) -> tuple[list[CommitRecord], bool]:
    """Commits by descending index after the newest ``skip``; True when older ones remain."""
    end = repository.commit_count() - skip
    if end <= 0:
        return [], False
    first = max(end - limit, 0)
    commits = repository.commits(start=first, limit=end - first)
    return [CommitRecord.of(c) for c in reversed(commits)], first > 0


def _ancestors(repository: vcs.Repository, start: vcs.Commit, skip: int, limit: int,
               keep: Callable[[vcs.Commit], bool] | None = None,
               ) -> tuple[list[CommitRecord], bool]:
    """``start`` and its ancestors by descending index (children before parents); with
    ``keep``, only the commits it accepts count (the walk still goes through the others)."""
    queue = [(-start.index, start.raw_id, start)]
    seen = {start.raw_id}
    found: list[CommitRecord] = []
    walked = 0
    while queue:
        _index, _raw_id, commit = heapq.heappop(queue)
        if keep is None or keep(commit):
            if walked >= skip:
                if len(found) == limit:
                    return found, True
                found.append(CommitRecord.of(commit))
            walked += 1
        for parent_id in commit.parents:
            if parent_id not in seen:
                seen.add(parent_id)
                parent = repository.get_commit(parent_id)
                heapq.heappush(queue, (-parent.index, parent_id, parent))
    return found, False
