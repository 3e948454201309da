"""Units of work that write at the same moment queue for the database instead of failing
(issue 14, defect 4).

On SQLite a deferred transaction that has read and then writes cannot wait for the write lock:
of eight such units started together, one committed and the others failed with "database is
locked". Writers now take the lock as they begin (BEGIN IMMEDIATE) and all of them commit.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.concurrency import run_together
from tests.factories import unique
from vcshub.db.models import Gist, User
from vcshub.permissions.caller import Caller
from vcshub.services import gists, lookup, users
from vcshub.services.unit_of_work import unit_of_work

WRITERS = 8
ROUNDS = 3


def _create_user_and_gist(sessions, settings, username: str) -> int:
    """Reads (permissions, name checks), then writes: the shape that used to fail."""
    with unit_of_work(sessions, settings) as uow:
        admin = Caller(uow.db, lookup.user(uow.db, "admin"))
        owner = users.create_user(uow, admin, username=username, email=f"{username}@example.com")
        files = {"a.txt": {"content": username}}
        return gists.create_gist(uow, Caller(uow.db, owner), files).gist_id


def test_concurrent_writers_all_commit(service_env):
    settings, sessions = service_env
    names = [[unique("racer") for _ in range(WRITERS)] for _ in range(ROUNDS)]
    try:
        for round_names in names:
            outcomes = run_together(
                WRITERS, lambda i: _create_user_and_gist(sessions, settings, round_names[i])
            )
            failures = [repr(o) for o in outcomes if isinstance(o, Exception)]
            assert failures == []
        with unit_of_work(sessions, settings, writes=False) as uow:
            everyone = [n for round_names in names for n in round_names]
            stored = uow.db.scalars(
                select(User.username).join(Gist, Gist.owner_id == User.user_id)
                .where(User.username.in_(everyone))
            ).all()
            assert sorted(stored) == sorted(everyone)
    finally:
        _remove(sessions, settings, [n for round_names in names for n in round_names])


def test_a_reader_does_not_wait_for_a_writer(service_env):
    """A writer holding the lock leaves readers free: they see the last committed state."""
    settings, sessions = service_env
    name = unique("held")
    with unit_of_work(sessions, settings) as writer:
        admin = Caller(writer.db, lookup.user(writer.db, "admin"))
        users.create_user(writer, admin, username=name, email=f"{name}@example.com")
        # Another thread, so that a reader blocked by the writer would hang instead of pass.
        seen = run_together(1, lambda _: _find_user(sessions, settings, name))
        assert seen == [None]
    try:
        assert _find_user(sessions, settings, name) == name
    finally:
        _remove(sessions, settings, [name])


def _find_user(sessions, settings, name: str) -> str | None:
    with unit_of_work(sessions, settings, writes=False) as uow:
        found = lookup.find_user_by_name_ci(uow.db, name)
        return found.username if found else None


def _remove(sessions, settings, usernames: list[str]) -> None:
    with unit_of_work(sessions, settings) as uow:
        admin = Caller(uow.db, lookup.user(uow.db, "admin"))
        for username in usernames:
            user = lookup.find_user_by_name_ci(uow.db, username)
            if user is None:
                continue
            for gist in uow.db.scalars(select(Gist).where(Gist.owner_id == user.user_id)):
                gists.delete_gist(uow, admin, gist)
            users.delete_user(uow, admin, user.user_id)
