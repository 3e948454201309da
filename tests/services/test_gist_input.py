"""Gist input the service refuses whoever calls it (issue 14, defect 12): file names that would
corrupt the gist's Mercurial repository, lifetimes whose expiry date cannot be shown."""

from __future__ import annotations

import pytest

from vcshub.permissions.caller import Caller
from vcshub.services import gists, lookup
from vcshub.services.errors import Invalid


@pytest.fixture
def admin(uow):
    return Caller(uow.db, lookup.user(uow.db, "admin"))


@pytest.mark.parametrize("name", ["a\nb.txt", "a\rb.txt", "end\n", "\tx", "bell\x07", "nul\x00"])
def test_control_characters_in_file_names_are_refused(uow, admin, name):
    store = uow.settings.gists_dir
    before = set(store.iterdir()) if store.exists() else set()
    with pytest.raises(Invalid) as refused:
        gists.create_gist(uow, admin, {name: {"content": "x"}})
    assert refused.value.field == "files"
    assert (set(store.iterdir()) if store.exists() else set()) == before


@pytest.mark.parametrize("lifetime", [gists.MAX_LIFETIME_MINUTES + 1, 2**63, 10**30])
def test_lifetimes_beyond_a_century_are_refused(uow, admin, lifetime):
    with pytest.raises(Invalid) as refused:
        gists.create_gist(uow, admin, {"a.txt": {"content": "x"}}, lifetime=lifetime)
    assert refused.value.field == "lifetime"
    assert "100 years" in refused.value.reason


def test_a_century_is_accepted(uow, admin):
    uow.clock = lambda: 1_000_000.0
    gist = gists.create_gist(uow, admin, {"a.txt": {"content": "x"}},
                             lifetime=gists.MAX_LIFETIME_MINUTES)
    assert gist.expires == 1_000_000.0 + gists.MAX_LIFETIME_MINUTES * 60
