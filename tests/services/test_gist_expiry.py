"""Gist expiry with an injectable clock: expired gists vanish from lists and are collected."""

from __future__ import annotations

from vcshub.permissions.caller import CONSOLE
from vcshub.permissions.caller import Caller
from vcshub.services import gists, users


def test_expired_gists_are_hidden_then_collected(uow):
    owner = users.create_user(uow, CONSOLE, username="gistowner1", email="go1@example.com")
    caller = Caller(uow.db, owner)
    now = [1_000_000.0]
    uow.clock = lambda: now[0]
    short = gists.create_gist(uow, caller, {"a.txt": {"content": "x"}}, lifetime=5)
    forever = gists.create_gist(uow, caller, {"b.txt": {"content": "y"}})
    assert short.expires == 1_000_000.0 + 300
    assert {g.gist_id for g in gists.list_gists(uow, caller)} == {short.gist_id, forever.gist_id}
    path = gists.gist_path(uow, short)
    assert path.is_dir()

    now[0] += 301  # move time forward past the lifetime
    assert [g.gist_id for g in gists.list_gists(uow, caller)] == [forever.gist_id]
    # The API contract still lets the owner read an expired gist...
    assert gists.get_gist(uow, caller, short.access_id) is short
    # ...but the web never shows it, and the clean-up removes it with its repository.
    try:
        gists.visible_on_web(uow, owner, short.access_id)
        raise AssertionError("expired gist visible on the web")
    except gists.NotFound:
        pass
    assert gists.collect_expired(uow) == [short.access_id]
    uow.commit()
    assert not path.exists()
    assert gists.gist_path(uow, forever).is_dir()
    # Clean up what this test committed.
    gists.delete_gist(uow, caller, forever)
    users.delete_user(uow, Caller(uow.db, users.lookup.user(uow.db, "admin")), owner.user_id)
    uow.commit()
