"""The one interface of :mod:`vcshub.coordination`: what every backend provides.

Each primitive is small on purpose; the package docstring says what each is for and what
becomes of a holder that dies.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from pathlib import Path


class Leadership(abc.ABC):
    """One holder at a time among every process (and node) that asks for the same name."""

    @abc.abstractmethod
    def leads(self) -> bool:
        """Whether this process holds the leadership now; takes it when nobody does."""

    @abc.abstractmethod
    def resign(self) -> None:
        """Give it up (at shutdown), so that another process takes over at once."""


class Semaphore(abc.ABC):
    """At most ``size`` holders at once, whichever process they are in."""

    @abc.abstractmethod
    @contextlib.contextmanager
    def slot(self) -> Iterator[bool]:
        """Hold a place for the block: yields False (holding nothing) when all are taken.
        Never waits: the caller answers "try again later" rather than hanging."""


class BookkeepingMarks(abc.ABC):
    """Push bookkeeping announced and not yet done, in every process (every node with Redis).

    A holder calls :meth:`begin` before its push's response ends and :meth:`end` once the
    journal, summary and lock are written; a request that must see them asks :meth:`pending`
    (cheap: it runs on every request), takes :meth:`announced` and waits while
    :meth:`still_pending` says so (the caller bounds the wait).
    """

    @abc.abstractmethod
    def begin(self) -> object:
        """Announce bookkeeping; the mark to give to :meth:`end`."""

    @abc.abstractmethod
    def end(self, mark: object) -> None: ...

    @abc.abstractmethod
    def pending(self) -> bool:
        """Whether any bookkeeping is announced and not done (a few microseconds locally)."""

    @abc.abstractmethod
    def announced(self) -> frozenset:
        """The marks pending now (what a request arriving now must wait for)."""

    @abc.abstractmethod
    def still_pending(self, marks: frozenset) -> bool:
        """Whether any of ``marks`` is not done yet (a holder that died is done)."""


class Coordination(abc.ABC):
    """The shared state of all processes of an installation; one per process
    (:func:`vcshub.coordination.for_settings`)."""

    @abc.abstractmethod
    @contextlib.contextmanager
    def exclusive(self, folder: Path, timeout: float | None) -> Iterator[bool]:
        """The repository at ``folder`` to this holder alone (housekeeping, merges): no push,
        no other exclusive holder. Waits up to ``timeout`` seconds (0: try once; None: for
        ever) and yields whether it holds it."""

    @abc.abstractmethod
    @contextlib.contextmanager
    def shared(self, folder: Path, timeout: float | None) -> Iterator[bool]:
        """The repository at ``folder`` shared with other shared holders (pushes), waiting up
        to ``timeout`` for an exclusive holder to finish; yields whether it holds it."""

    @abc.abstractmethod
    def leadership(self, name: str) -> Leadership: ...

    @abc.abstractmethod
    def semaphore(self, name: str, size: int) -> Semaphore: ...

    @abc.abstractmethod
    def bookkeeping_marks(self) -> BookkeepingMarks:
        """The one set of marks of this installation (the same object on every call)."""

    def close(self) -> None:
        """Release connections and background threads (tests; the process's end does it too)."""
