"""The sign-in throttle counts in the database: two processes (two throttles on one database,
as two worker processes have) slow one guessing address down together, a success seen by
either clears it, and other addresses are untouched. Both databases."""

from __future__ import annotations

import secrets

import pytest

from vcshub.auth.throttle import LoginThrottle


def new_address() -> str:
    """An address no other test uses (the rows outlive the test: the throttle commits)."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pair(service_env):
    _settings, sessions = service_env
    engine = sessions.kw["bind"]
    clock = Clock()
    first = LoginThrottle(engine, free_attempts=2, window_seconds=60, max_delay=2.0, clock=clock)
    second = LoginThrottle(engine, free_attempts=2, window_seconds=60, max_delay=2.0, clock=clock)
    return first, second, clock


def test_failures_counted_by_either_process_slow_both(pair):
    first, second, _clock = pair
    guesser, bystander = new_address(), new_address()
    assert first.delay(guesser) == second.delay(guesser) == 0
    first.failed(guesser)
    second.failed(guesser)  # the free attempts are shared, not granted per process
    assert first.delay(guesser) == 0.5 and second.delay(guesser) == 0.5
    for _ in range(10):
        first.failed(guesser)
    assert second.delay(guesser) == 2.0  # capped
    assert first.delay(bystander) == 0


def test_a_success_in_one_process_clears_the_other(pair):
    first, second, _clock = pair
    guesser = new_address()
    for _ in range(4):
        first.failed(guesser)
    assert first.delay(guesser) > 0
    second.succeeded(guesser)
    assert first.delay(guesser) == 0


def test_the_window_ends_and_stale_rows_go(pair):
    first, second, clock = pair
    guesser, other = new_address(), new_address()
    for _ in range(5):
        first.failed(guesser)
    assert second.delay(guesser) > 0
    clock.now += 61
    assert second.delay(guesser) == 0  # the window has passed
    first.failed(other)  # removes rows past their window
    assert not first._has_row(guesser)
    first.failed(guesser)  # a new window starts at one failure
    assert first.delay(guesser) == 0
