"""Search indexing off the request path: one thread of its own brings the index up to date for
the repositories that changed, one at a time.

Pushes ask for it once they have finished (transport/endpoint.py ``_after_push``), services
that create, fork, pull into or delete a repository through services/search/notices.py. A
repository waits in the queue once however many ask; one that asks again while it is being
indexed is queued again, so the last push is always indexed. At start the queue catches up
with what happened while no server ran (repositories never indexed, documents of deleted
ones). Several worker processes each run one: their writers take turns on the index's file
lock, and an update finding nothing new costs a few milliseconds.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from vcshub import vcs
from vcshub.config import Settings
from vcshub.services import search
from vcshub.services.search import indexer, notices
from vcshub.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
_STOP = object()
_CATCH_UP = object()


class SearchQueue:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._queued: set[int] = set()
        self._busy = False
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> Path:
        return self._settings.search_index_dir

    def start(self, catch_up: bool = True) -> None:
        """Listen for notices and work; ``catch_up``: first index what was never indexed
        and drop what is gone (a server's start; not a one-push process's)."""
        notices.listen(self.request)
        if catch_up:
            self._queue.put(_CATCH_UP)
        self._thread = threading.Thread(target=self._work, name="vcshub-search-index", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the repository in hand and stop."""
        notices.forget(self.request)
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def request(self, repo_id: int) -> None:
        """Queue a repository unless it is queued already. Never blocks."""
        with self._lock:
            if repo_id in self._queued:
                return
            self._queued.add(repo_id)
        self._queue.put(repo_id)

    def idle(self) -> bool:
        with self._lock:
            return not self._queued and not self._busy and self._queue.empty()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            with self._lock:
                self._busy = True
                self._queued.discard(item)
            try:
                if item is _CATCH_UP:
                    self._catch_up()
                else:
                    self._index(item)
            except (vcs.VCSError, OSError, ValueError, SQLAlchemyError):
                # tantivy reports its failures as ValueError/OSError; the next push retries
                log.exception("search indexing of %s failed", item)
            finally:
                with self._lock:
                    self._busy = False

    def _index(self, repo_id: int) -> None:
        with unit_of_work(self._sessions, self._settings, writes=False) as uow:
            target = search.target_of(uow, repo_id)
        if target is None:
            indexer.drop(self.base, repo_id)
            log.info("search index: dropped repository %s", repo_id)
            return
        report = indexer.update(self.base, target, self._settings.search_max_file_bytes)
        log.info("search index of repository %s in %.2f s: %d files, %d removed, %d commits",
                 repo_id, report.seconds, report.files_indexed, report.files_removed,
                 report.commits_indexed)

    def _catch_up(self) -> None:
        with unit_of_work(self._sessions, self._settings, writes=False) as uow:
            existing = search.all_repo_ids(uow)
        indexed = indexer.indexed_repo_ids(self.base)
        for repo_id in sorted((existing - indexed) | (indexed - existing)):
            self.request(repo_id)
