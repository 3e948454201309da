"""What the processes of one installation share: who may touch a repository now, who runs the
periodic jobs, how many remote transfers run, which push bookkeeping is still being written.

Built once per process from the settings (:func:`for_settings`): with ``redis_url`` empty, the
**local** backend (``flock`` on files in the data directory and in each repository: every
worker process, the SSH server and the console commands of one machine); with ``redis_url``,
the **Redis** backend, for several nodes sharing the repository directory (NFS, where
``flock`` is not reliable) and the database. Services and transports use it; it imports
nothing of them.

The primitives::

    with coordination.shared(folder, timeout=PUSH_WAIT) as held: ...     # a push
    with coordination.exclusive(folder, timeout=0) as held: ...          # housekeeping
    with coordination.exclusive(folder, timeout=MERGE_WAIT) as held: ... # a merge
    coordination.leadership("periodic-jobs").leads()
    with coordination.semaphore("remote-slots", 8).slot() as held: ...
    marks = coordination.bookkeeping_marks()

**Repository mutex** (``shared`` / ``exclusive``). Pushes share a repository with each other:
git and hg keep concurrent pushes apart themselves (a ref moves by compare-and-swap, hg takes
its store lock), and two pushes to different branches must not queue. Housekeeping is
exclusive: a repack that starts mid-push would pack objects the push may still reference as
loose, so it starts only when no push runs, and a push waits for a repack under way. Merges
are exclusive too: a merge reads the target head, builds the merge commit and moves the
branch, and a push landing in between would make it fail late or merge into a head already
gone. Housekeeping only tries (``timeout=0``: it runs again later); merges and pushes wait with
a timeout and are refused when it runs out. A waiting exclusive holder does not stop new
shared ones (pushes are never held back behind a merge that waits).

**Leadership** (``leadership(name).leads()``): one process of the installation runs the
periodic jobs (gist expiry, audit retention); the others ask again each round.

**Semaphore** (``semaphore(name, size).slot()``): at most ``size`` remote clones and pulls at
once (with Redis: in the whole installation); one more is refused at once, never queued.

**Bookkeeping marks** (``bookkeeping_marks()``): a push's bookkeeping (journal, summary, lock
release) runs after its response has ended, announced before the end (``begin``/``end``); a
request that must see it (:class:`vcshub.transport.bookkeeping.WaitForBookkeeping`) asks
``pending()`` — a few microseconds with the local backend, one Redis round trip with Redis —
and, only when something is pending, waits for the marks ``announced()`` before it arrived.

**When a holder dies.** Local: the kernel drops a dead process's ``flock`` at once, so its
mutex, place, leadership and marks are free immediately (a mark file left behind is seen as
done and removed). Redis: every lease has a TTL (``ttl``, 30 s by default) renewed each third
of it by a thread of the holding process; a process or node that dies keeps nothing longer
than the TTL — a mutex, a place or the leadership is free again, a mark counts as done.
A live holder that cannot reach Redis for a whole TTL may lose its lease (it is logged).
"""

from __future__ import annotations

import os
import threading

from vcshub.config import Settings
from vcshub.coordination.file_locks import FileCoordination
from vcshub.coordination.interface import (
    BookkeepingMarks,
    Coordination,
    Leadership,
    Semaphore,
)
from vcshub.coordination.redis_locks import RedisCoordination

__all__ = [
    "BookkeepingMarks", "Coordination", "FileCoordination", "Leadership", "RedisCoordination",
    "Semaphore", "build", "for_settings",
]

_built: dict[tuple, Coordination] = {}
_lock = threading.Lock()


def build(settings: Settings) -> Coordination:
    """A new coordination for these settings (tests; everyone else: :func:`for_settings`)."""
    if settings.redis_url:
        return RedisCoordination(settings.redis_url, settings.repos_dir)
    return FileCoordination(settings.data_dir)


def for_settings(settings: Settings) -> Coordination:
    """This process's coordination for these settings, built on first use: the application
    state, the SSH server and the services (which only have the settings) share it."""
    key = (os.getpid(), settings.redis_url, str(settings.data_dir), str(settings.repos_dir))
    with _lock:
        found = _built.get(key)
        if found is None:
            found = _built[key] = build(settings)
        return found
