"""How services that change what a repository holds ask for it to be indexed again (create,
fork, pull from a remote, delete), without knowing who indexes.

The application registers its queue (tasks/search_queue.py) at start; a service calls
:func:`repository_changed` inside its unit of work, and the request goes out once the unit
commits (a rolled-back creation asks for nothing). With no queue registered (the console,
tests of other services) the call does nothing: the next start's catch-up, or
``vcshub index``, covers what was missed. Losing a notice makes search late, never wrong:
hits are filtered by the database at query time.
"""

from __future__ import annotations

from collections.abc import Callable

from vcshub.services.unit_of_work import UnitOfWork

_listeners: list[Callable[[int], None]] = []


def listen(listener: Callable[[int], None]) -> None:
    _listeners.append(listener)


def forget(listener: Callable[[int], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def repository_changed(uow: UnitOfWork, repo_id: int) -> None:
    def tell() -> None:
        for listener in list(_listeners):
            listener(repo_id)

    uow.after_commit(tell)
