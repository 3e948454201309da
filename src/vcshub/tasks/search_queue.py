"""Search indexing off the request path: one thread of its own brings the index up to date for
the repositories that changed, several at a time in one index commit.

Pushes ask for it once they have finished (transport/push_outcome.py), services that create,
fork, pull into or delete a repository through services/search/notices.py. A repository waits
once however many ask; one that asks again while it is being indexed waits again, so the last
push is always indexed.

Two lines: the *notices* (something just changed, someone may search for it in a moment) and
the *backlog* of the catch-up at start (repositories never indexed, documents of deleted
ones: what happened while no server ran). The backlog is worked on only when no notice waits,
so a push is indexed within a second or so even while thousands of repositories are caught up
behind it. Only one process catches up (a file lock, held until its backlog is done); the
others' writers take turns with it on the index's file lock.

Stopping finishes the notices (the OpenSSH forced command's detached child relies on it: it
asks, then stops) and abandons the backlog, which the next start computes again.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from vcshub import vcs
from vcshub.config import Settings
from vcshub.services import search
from vcshub.services.search import indexer, notices
from vcshub.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
BATCH = 64  # repositories per index commit
FAILURES = (vcs.VCSError, OSError, ValueError, SQLAlchemyError)  # tantivy: ValueError/OSError


class SearchQueue:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._changed = threading.Condition()
        # dicts as ordered sets: first asked, first indexed
        self._notices: dict[int, None] = {}
        self._backlog: dict[int, None] = {}
        self._busy = False
        self._stopping = False
        self._catch_up_lock: int | None = None
        self._thread: threading.Thread | None = None

    def start(self, catch_up: bool = True) -> None:
        """Listen for notices and work; ``catch_up``: also index what was never indexed and
        drop what is gone (a server's start; not a one-push process's)."""
        notices.listen(self.request)
        self._stopping = False
        self._busy = catch_up  # idle only once the catch-up knows its backlog
        self._thread = threading.Thread(target=self._work, args=(catch_up,),
                                        name="vcshub-search-index", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Index the notices still waiting, then stop."""
        notices.forget(self.request)
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._release_catch_up()

    def request(self, repo_id: int) -> None:
        """Ask for a repository to be indexed soon. Never blocks."""
        with self._changed:
            self._backlog.pop(repo_id, None)
            self._notices[repo_id] = None
            self._changed.notify_all()

    def idle(self) -> bool:
        with self._changed:
            return not self._notices and not self._backlog and not self._busy

    def pending(self) -> int:
        """Repositories waiting to be indexed, notices and backlog (the metrics' queue length)."""
        with self._changed:
            return len(self._notices) + len(self._backlog)

    def _work(self, catch_up: bool) -> None:
        if catch_up:
            self._guarded(self._catch_up)
            with self._changed:
                self._busy = False
        while (batch := self._next_batch()) is not None:
            try:
                self._guarded(lambda: self._index(batch))
            finally:
                with self._changed:
                    self._busy = False
                    if not self._backlog:
                        self._release_catch_up()

    def _next_batch(self) -> list[int] | None:
        """Up to BATCH notices, else (unless stopping) up to BATCH of the backlog; None to stop."""
        with self._changed:
            while not self._notices and (self._stopping or not self._backlog):
                if self._stopping:
                    return None
                self._changed.wait()
            line = self._notices or self._backlog
            batch = [repo_id for repo_id, _ in zip(list(line), range(BATCH))]
            for repo_id in batch:
                del line[repo_id]
            self._busy = True
            return batch

    def _index(self, batch: list[int]) -> None:
        with unit_of_work(self._sessions, self._settings, writes=False) as uow:
            targets = {repo_id: search.target_of(uow, repo_id) for repo_id in batch}
        present = [target for target in targets.values() if target is not None]
        gone = [repo_id for repo_id, target in targets.items() if target is None]
        base, limit = self._settings.search_index_dir, self._settings.search_max_file_bytes
        try:
            reports = indexer.update_many(base, present, limit, gone=gone)
        except FAILURES:
            if len(batch) == 1:
                raise
            # the whole commit was rolled back: again one by one, so one broken repository
            # costs only its own update
            for repo_id in batch:
                self._guarded(lambda: self._index([repo_id]))
            return
        for target, report in zip(present, reports):
            log.info("search index of repository %s in %.2f s: %d files, %d removed, %d commits",
                     target.repo_id, report.seconds, report.files_indexed,
                     report.files_removed, report.commits_indexed)
        if gone:
            log.info("search index: dropped repositories %s", gone)

    def _catch_up(self) -> None:
        if not self._take_catch_up():
            return  # another process of this server catches up
        with unit_of_work(self._sessions, self._settings, writes=False) as uow:
            existing = search.all_repo_ids(uow)
        indexed = indexer.indexed_repo_ids(self._settings.search_index_dir)
        with self._changed:
            for repo_id in sorted((existing - indexed) | (indexed - existing)):
                if repo_id not in self._notices:
                    self._backlog[repo_id] = None
            if not self._backlog:
                self._release_catch_up()
            self._changed.notify_all()

    def _take_catch_up(self) -> bool:
        folder = self._settings.search_index_dir
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / "catch-up.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._catch_up_lock = fd
        return True

    def _release_catch_up(self) -> None:
        fd, self._catch_up_lock = self._catch_up_lock, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    @staticmethod
    def _guarded(work) -> None:
        try:
            work()
        except FAILURES:
            log.exception("search indexing failed")  # the next push or start retries
