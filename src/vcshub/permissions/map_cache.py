"""Users' full permission maps, kept between units of work by one process.

Computing a user's maps reads every repository, group and grant: tens of milliseconds on a
large instance, on every API call and page. They change only when a transaction that bumps the
database's permission generation commits (db/permission_generation.py), so they are kept here
under that generation: an answer is only ever given for the generation it was computed at or
after, and the first unit of work that reads a newer generation drops everything older.

One object per process, made with the session factory (db/engine.py) and carried by every
session in ``session.info[SESSION_KEY]``; several threads share it. The values kept are
immutable (frozensets, read-only mappings): callers share them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

SESSION_KEY = "vcshub.permission_maps"
MISSING = object()  # what get() answers for a value it does not hold

# Bounds: a user's entry is dropped, least recently used first, past either. 10,000
# repositories make a map of ~1 MB, so the number of map items bounds the memory, not only
# the number of users.
MAX_USERS = 2_000
MAX_ITEMS = 1_000_000


class _Entry:
    __slots__ = ("values", "size")

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.size = 0


class PermissionMapCache:
    """(user key, generation) → {kind: value}: a user's global set and full maps."""

    def __init__(self, max_users: int = MAX_USERS, max_items: int = MAX_ITEMS) -> None:
        self.max_users = max_users
        self.max_items = max_items
        self._generation: int | None = None
        self._items = 0
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user: Hashable, generation: int, kind: str) -> object:
        """The value kept for ``user`` at ``generation``, or MISSING."""
        with self._lock:
            self._advance(generation)
            entry = self._entries.get(user) if generation == self._generation else None
            if entry is None or kind not in entry.values:
                return MISSING
            self._entries.move_to_end(user)
            return entry.values[kind]

    def put(self, user: Hashable, generation: int, kind: str, value: object, size: int) -> None:
        """Keep ``value`` (immutable, ``size`` items) unless a newer generation was seen."""
        weight = size + 1
        with self._lock:
            self._advance(generation)
            if generation != self._generation or weight > self.max_items:
                return
            entry = self._entries.setdefault(user, _Entry())
            self._entries.move_to_end(user)
            if kind in entry.values:
                return
            entry.values[kind] = value
            entry.size += weight
            self._items += weight
            while len(self._entries) > self.max_users or self._items > self.max_items:
                _user, dropped = self._entries.popitem(last=False)
                self._items -= dropped.size

    def __len__(self) -> int:
        return len(self._entries)

    def _advance(self, generation: int) -> None:
        """A newer generation was committed: everything kept is out of date."""
        if self._generation is None or generation > self._generation:
            self._generation = generation
            self._entries.clear()
            self._items = 0
