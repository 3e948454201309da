"""The last commit of each entry of a directory listing (the files page's "last change").

One bounded walk of the history per directory and commit (see
:meth:`vcshub.vcs.history.HistoryReader.last_changes`): entries not reached within
WALK_BUDGET_SECONDS have no record and the page shows "—" for them. A complete answer depends
only on the commit id and the path (a commit's ancestry never changes), so it is kept in a
small per-process cache; a partial one is not kept.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend
from vcshub.services.repo_contents.records import Directory, in_utc
from vcshub.services.unit_of_work import UnitOfWork

WALK_BUDGET_SECONDS = 1.0
_CACHED_LISTINGS = 256


@dataclass(frozen=True)
class EntryChange:
    """The commit that last changed an entry; ``date`` is aware, in UTC."""

    raw_id: str
    author: str
    date: dt.datetime
    summary: str

    @property
    def short_id(self) -> str:
        return self.raw_id[:12]


@dataclass(frozen=True)
class EntryChanges:
    """Entry name → its last change; ``complete`` is False when the walk ran out of budget
    (the names missing from ``changes`` were not reached)."""

    changes: dict[str, EntryChange]
    complete: bool


_cache: OrderedDict[tuple[str, str, str], EntryChanges] = OrderedDict()
_cache_lock = threading.Lock()


def last_changes(uow: UnitOfWork, repo: Repository, directory: Directory,
                 budget: float = WALK_BUDGET_SECONDS) -> EntryChanges:
    """The last change of every entry of ``directory`` (from :func:`browse`), as seen from the
    directory's commit."""
    repository = backend(uow, repo)
    key = (str(repository.path), directory.commit.raw_id, directory.path)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    names = [entry.name for entry in directory.entries]
    found, complete = repository.last_changes(directory.commit.raw_id, directory.path, names,
                                              budget)
    commits = {}
    for commit_id in set(found.values()):
        commit = repository.get_commit(commit_id)
        commits[commit_id] = EntryChange(commit.raw_id, commit.author, in_utc(commit.date),
                                         commit.summary)
    result = EntryChanges({name: commits[commit_id] for name, commit_id in found.items()},
                          complete)
    if complete:
        with _cache_lock:
            _cache[key] = result
            while len(_cache) > _CACHED_LISTINGS:
                _cache.popitem(last=False)
    return result
