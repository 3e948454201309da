"""The exception store (services/exception_store.py): what it keeps, what it hides, how many,
and who may read it. Session cleanup (services/session_cleanup.py) is tested here too: both are
the server's housekeeping of RC-later's API."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from tests.factories import people
from vcshub.services import exception_store, session_cleanup
from vcshub.services.errors import AccessDenied, Invalid, NotFound


@pytest.fixture
def store(uow, tmp_path):
    """Settings whose exception folder is this test's own, keeping at most three entries."""
    return dataclasses.replace(uow.settings, data_dir=tmp_path, exception_store_max=3)


def _raised(message: str) -> Exception:
    try:
        raise RuntimeError(message)
    except RuntimeError as exc:
        return exc


def test_an_entry_keeps_the_error_without_its_secrets(uow, store):
    token = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0"
    exc = _raised(f"failed for {token} at https://bob:hunter22@example.com/r password=swordfish")
    exc_id = exception_store.record(store, exc, where=f"GET /x?auth_token={token}",
                                    known_secrets=[token, "", "1"])
    root = people.caller(uow, people.admin(uow))
    entry = exception_store.entry(store, root, exc_id)
    assert entry.exc_type == "RuntimeError" and entry.prefix == "vcshub"
    assert entry.message == (
        "failed for ***** at https://*****@example.com/r password=*****"
    )
    assert "Traceback (most recent call last)" in entry.traceback
    assert "_raised" in entry.traceback and entry.where == "GET /x?auth_token=*****"
    stored = (store.exceptions_dir / f"{exc_id}.json").read_text()
    for secret in (token, "hunter22", "swordfish"):
        assert secret not in stored
    assert json.loads(stored)["exc_id"] == exc_id


def test_newest_first_and_only_the_newest_kept(uow, store):
    root = people.caller(uow, people.admin(uow))
    ids = [exception_store.record(store, _raised(f"number {i}"), where="test") for i in range(5)]
    assert ids == sorted(ids, key=int)
    kept = exception_store.entries(store, root)
    assert [e.exc_id for e in kept] == ids[:-4:-1]  # the three newest, newest first
    assert [e.message for e in kept] == ["number 4", "number 3", "number 2"]
    with pytest.raises(NotFound):
        exception_store.entry(store, root, ids[0])
    for odd in ("../secret-key", "", "12ab", ids[-1] + "/x"):
        with pytest.raises(NotFound):
            exception_store.entry(store, root, odd)


def test_only_super_admins_read_or_store(uow, store):
    plain = people.caller(uow, people.user(uow))
    exception_store.record(store, _raised("x"), where="test")
    with pytest.raises(AccessDenied):
        exception_store.entries(store, plain)
    with pytest.raises(AccessDenied):
        exception_store.store_client_exception(
            store, plain, '{"exc_traceback": "t", "exc_type_name": "E"}')
    assert len(list(store.exceptions_dir.iterdir())) == 1


def test_a_client_exception(uow, store):
    root = people.caller(uow, people.admin(uow))
    sent = {"exc_traceback": "Traceback ...\nValueError: token=abcdef123456", "exc_type_name": "ValueError"}
    exc_id = exception_store.store_client_exception(store, root, json.dumps(sent), "my-tool")
    entry = exception_store.entry(store, root, exc_id)
    assert (entry.exc_type, entry.prefix, entry.where) == ("ValueError", "my-tool", "store_exception")
    assert entry.message == "ValueError: token=*****" and "abcdef123456" not in entry.traceback
    with pytest.raises(Invalid, match="Please make sure it contains a valid JSON"):
        exception_store.store_client_exception(store, root, "{not json", "x")
    with pytest.raises(Invalid, match="Missing: 'exc_type_name'"):
        exception_store.store_client_exception(store, root, '{"exc_traceback": "t"}', "x")


def test_session_cleanup_ends_idle_sessions_once(uow):
    root = people.caller(uow, people.admin(uow))
    long_ago = dt.datetime(2020, 1, 1)
    idle, recent, never = people.user(uow), people.user(uow), people.user(uow)
    idle.last_login, recent.last_login = long_ago, dt.datetime.now(dt.UTC).replace(tzinfo=None)
    keys = {u.user_id: u.session_key for u in (idle, recent, never)}
    uow.db.flush()
    assert session_cleanup.cleanup_sessions(uow, root, 60) >= 1
    assert idle.session_key != keys[idle.user_id] and idle.sessions_ended_on is not None
    assert recent.session_key == keys[recent.user_id]
    assert never.session_key == keys[never.user_id]
    assert session_cleanup.cleanup_sessions(uow, root, 60) == 0  # already ended
    # Signed in again after an end long ago, and idle since: ended again.
    idle.sessions_ended_on, idle.last_login = dt.datetime(2020, 6, 1), dt.datetime(2021, 1, 1)
    assert session_cleanup.cleanup_sessions(uow, root, None) == 1
    with pytest.raises(AccessDenied):
        session_cleanup.cleanup_sessions(uow, people.caller(uow, recent), 1)
