"""Open pygit2 repositories lent out between requests, so libgit2's object cache stays warm.

Why: a fresh ``pygit2.Repository`` starts with an empty object cache, and libgit2's tree diff
reads every tree of both sides (it does not skip identical subtrees), each through a chain of
pack deltas. On a 20,000-file repository that is 60–110 ms for the first diff of a handle and
3 ms for the next. Keeping handles open makes the second view of a repository warm.

Rules that keep this safe:

* **One user at a time.** libgit2 objects must be used from one thread at a time, so a handle
  is *lent*: :meth:`HandlePool.lend` takes an idle one off the shelf (or opens one), and the
  borrower gives it back when it is garbage (``GitRepository`` ties that to its own lifetime).
  Two requests on one repository at once get two handles.
* **Nothing stale.** References are read from disk on every lookup and a missing object makes
  libgit2 rescan the packs, so a push by another process is seen. Objects are named by their
  content, so an object cached from before a push is still right. The shelf is keyed by the
  folder's device, inode and change time: a repository deleted and created again at the same
  path (even on a reused inode) never gets the old handle.
* **Bounded.** At most ``capacity`` idle handles (the least recently used go first), none kept
  longer than ``max_idle`` seconds (an idle handle keeps repacked-away pack files open).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pygit2

Key = tuple[str, int, int, int]


class HandlePool:
    """Idle ``pygit2.Repository`` handles by repository folder; see the module docstring."""

    def __init__(self, capacity: int = 32, max_idle: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.max_idle = max_idle
        self._clock = clock
        self._lock = threading.Lock()
        # (key, serial) -> (handle, when it was given back); oldest first.
        self._idle: OrderedDict[tuple[Key, int], tuple[pygit2.Repository, float]] = OrderedDict()
        self._serial = 0

    def lend(self, path: Path) -> tuple[pygit2.Repository, Key]:
        """An idle handle for the repository at ``path``, or a newly opened one, with the key
        to give it back under. Raises what ``pygit2.Repository`` raises for a missing one."""
        key = _key(path)
        with self._lock:
            self._expire()
            for slot in reversed(self._idle):  # the most recently given back: warmest
                if slot[0] == key:
                    handle, _since = self._idle.pop(slot)
                    return handle, key
        return pygit2.Repository(str(path)), key

    def give_back(self, key: Key, handle: pygit2.Repository) -> None:
        """Put ``handle`` on the shelf (the borrower must not touch it afterwards)."""
        if self.capacity <= 0:
            return
        with self._lock:
            self._serial += 1
            self._idle[(key, self._serial)] = (handle, self._clock())
            while len(self._idle) > self.capacity:
                self._idle.popitem(last=False)

    def clear(self) -> None:
        """Drop every idle handle (their files close when the last object using them goes)."""
        with self._lock:
            self._idle.clear()

    def idle_count(self) -> int:
        with self._lock:
            return len(self._idle)

    def _expire(self) -> None:
        oldest_allowed = self._clock() - self.max_idle
        while self._idle:
            slot, (_handle, since) = next(iter(self._idle.items()))
            if since >= oldest_allowed:
                return
            del self._idle[slot]


def _key(path: Path) -> Key:
    try:
        info = os.stat(path)
    except OSError:  # pygit2 will say what is missing
        return (str(path), 0, 0, 0)
    return (os.path.realpath(path), info.st_dev, info.st_ino, info.st_ctime_ns)


# The process's pool: every GitRepository borrows from it (threads share it under its lock).
POOL = HandlePool()
