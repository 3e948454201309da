"""What the pages render from content that never changes (a file's text at a commit, a diff's
lines, a README at a commit), kept in memory so that the next visitor does not pay again.

One least-recently-used store, bounded by a weight its user chooses (lines, characters,
entries) and shared by the worker threads. Keys are made of immutable content (commit ids,
digests of text), so a cache that only this process holds can never make its answer differ from
another process's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

MISSING = object()  # what get() answers for a key it does not hold (None may be a value)


class RenderCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._weight = 0
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object:
        """The value kept for ``key`` (now the most recently used), or MISSING."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return MISSING
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: object, weight: int = 1) -> None:
        """Keep ``value``; the least recently used go until the weights fit. A value heavier
        than the whole capacity is not kept."""
        if weight > self.capacity:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, weight)
            self._weight += weight
            while self._weight > self.capacity:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._weight -= dropped
