"""The coordination primitives, the same tests on the local (flock) and the Redis backend:
what each lets through, what it keeps out, and what a holder that dies leaves behind.
Two instances of a backend in one test stand for two processes (with Redis: two nodes)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.coordination.conftest import TTL, eventually, killed


def _free_for_exclusive(shared_state, folder) -> bool:
    with shared_state.exclusive(folder, 0) as held:
        return held


def test_pushes_share_a_repository_housekeeping_and_merges_do_not(setup, shared_state):
    other = setup.build()
    try:
        folder = setup.folder
        with shared_state.shared(folder, 0) as first:
            assert first
            with other.shared(folder, 0) as second:
                assert second  # two pushes at once
            with other.exclusive(folder, 0) as exclusive:
                assert not exclusive  # no housekeeping or merge beside a push
        with shared_state.exclusive(folder, 0) as held:
            assert held
            with other.exclusive(folder, 0) as second:
                assert not second
            with other.shared(folder, 0) as push:
                assert not push  # a push waits for the housekeeping (here: not at all)
        assert _free_for_exclusive(other, folder)
    finally:
        other.close()


def test_a_waiting_push_goes_once_the_exclusive_holder_is_done(setup, shared_state):
    other = setup.build()
    holding, release = threading.Event(), threading.Event()

    def housekeeping() -> None:
        with shared_state.exclusive(setup.folder, 0) as held:
            assert held
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=housekeeping)
    worker.start()
    try:
        holding.wait(10)
        threading.Timer(0.2, release.set).start()
        with other.shared(setup.folder, 30) as held:
            assert held
            assert release.is_set()
    finally:
        release.set()
        worker.join()
        other.close()


def test_repositories_are_apart(setup, shared_state):
    elsewhere = setup.root / "repos" / "other"
    elsewhere.mkdir()
    with shared_state.exclusive(setup.folder, 0) as held:
        assert held
        assert _free_for_exclusive(shared_state, elsewhere)


def test_a_semaphore_counts_its_places(setup, shared_state):
    other = setup.build()
    try:
        with shared_state.semaphore("slots", 2).slot() as one, \
                other.semaphore("slots", 2).slot() as two:
            assert one and two
            with other.semaphore("slots", 2).slot() as three:
                assert not three
        with other.semaphore("slots", 2).slot() as again:
            assert again
    finally:
        other.close()


def test_one_leader_until_it_resigns(setup, shared_state):
    other = setup.build()
    try:
        mine, theirs = shared_state.leadership("jobs"), other.leadership("jobs")
        assert mine.leads()
        assert mine.leads()  # still, each round
        assert not theirs.leads()
        mine.resign()
        assert theirs.leads()
        assert not mine.leads()
        theirs.resign()
    finally:
        other.close()


def test_a_live_holder_keeps_its_leases_past_the_ttl(setup, shared_state):
    other = setup.build()
    try:
        leader = shared_state.leadership("jobs")
        assert leader.leads()
        with shared_state.exclusive(setup.folder, 0) as held, \
                shared_state.semaphore("slots", 1).slot() as place:
            assert held and place
            time.sleep(2.5 * TTL)  # renewed meanwhile (Redis: each third of the TTL)
            assert not _free_for_exclusive(other, setup.folder)
            with other.semaphore("slots", 1).slot() as second:
                assert not second
            assert not other.leadership("jobs").leads()
            assert leader.leads()
        leader.resign()
    finally:
        other.close()


def test_bookkeeping_marks_announced_before_are_waited_for(setup, shared_state):
    other = setup.build()
    try:
        marks, their_marks = shared_state.bookkeeping_marks(), other.bookkeeping_marks()
        assert not their_marks.pending()
        assert their_marks.announced() == frozenset()
        first = marks.begin()
        assert their_marks.pending()
        waiting = their_marks.announced()
        assert their_marks.still_pending(waiting)
        later = marks.begin()  # announced after: not among those waited for
        marks.end(first)
        assert not their_marks.still_pending(waiting)
        assert their_marks.pending()  # the later one
        marks.end(later)
        assert not their_marks.pending()
    finally:
        other.close()


@pytest.mark.parametrize("what", ["exclusive", "shared", "slot", "leader", "mark"])
def test_a_killed_holder_keeps_nothing(setup, shared_state, what):
    """Local: the kernel drops the dead process's locks at once; Redis: its lease expires
    after the TTL (one second here)."""
    holder = setup.holder(what)
    try:
        marks = shared_state.bookkeeping_marks()
        if what in ("exclusive", "shared"):
            assert not _free_for_exclusive(shared_state, setup.folder)
        elif what == "slot":
            with shared_state.semaphore("slots", 1).slot() as place:
                assert not place
        elif what == "leader":
            assert not shared_state.leadership("jobs").leads()
        else:
            assert marks.pending()
            waiting = marks.announced()
            assert marks.still_pending(waiting)
    finally:
        killed(holder)

    def free() -> bool:
        if what in ("exclusive", "shared"):
            return _free_for_exclusive(shared_state, setup.folder)
        if what == "slot":
            with shared_state.semaphore("slots", 1).slot() as place:
                return place
        if what == "leader":
            leadership = shared_state.leadership("jobs")
            if leadership.leads():
                leadership.resign()
                return True
            return False
        return not marks.still_pending(waiting) and not marks.pending()

    assert eventually(free)


def test_redis_away_is_not_now_never_a_crash(tmp_path):
    """Nobody listens at the Redis URL: every primitive answers "not now" (no mutex, no place,
    no leadership, nothing pending) instead of raising, so requests are served or told to come
    back, never answered 500."""
    from tests.live_server import free_port
    from vcshub.coordination.redis_locks import RedisCoordination

    away = RedisCoordination(f"redis://127.0.0.1:{free_port()}/0", tmp_path, ttl=1.0)
    try:
        folder = tmp_path / "repo"
        folder.mkdir()
        with away.shared(folder, 0) as held:
            assert held is False
        with away.exclusive(folder, 0) as held:
            assert held is False
        with away.semaphore("remote-slots", 2).slot() as held:
            assert held is False
        assert away.leadership("periodic-jobs").leads() is False
        marks = away.bookkeeping_marks()
        mark = marks.begin()
        assert marks.pending() is False and marks.announced() == frozenset()
        marks.end(mark)
    finally:
        away.close()
