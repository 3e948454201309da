"""services.gist_updates: editing a gist writes a new commit of its repository; only its owner
or a super-admin may; bad input changes nothing. And gists.web_listing's RhodeCode filters."""

from __future__ import annotations

import pytest

from tests.factories import people
from tests.factories.commits import log_ids
from tests.services.state import unchanged
from vcshub import vcs
from vcshub.services import gist_updates, gists
from vcshub.services.errors import Invalid, NotFound

NOW = 3_000_000.0


@pytest.fixture
def alice(uow):
    uow.clock = lambda: NOW
    return people.caller(uow, people.user(uow, firstname="Alice"))


def _made(uow, alice, **fields):
    return gists.create_gist(uow, alice, {"a.txt": {"content": "one\n"},
                                          "b.txt": {"content": "bee\n"}}, **fields)


def test_an_edit_is_a_new_commit_replacing_the_files(uow, alice):
    gist = _made(uow, alice)
    new = gist_updates.update_gist(
        uow, alice, gist, {"a.txt": {"content": "two\n"}, "c.py": {"content": "x = 1\n", "lexer": "python"}},
        description="edited", lifetime=10, acl_level="acl_private")
    assert gists.file_contents(uow, gist) == {"a.txt": "two\n", "c.py": "x = 1\n"}  # b.txt gone
    path = gists.gist_path(uow, gist)
    assert len(log_ids(path, "hg")) == 2 and log_ids(path, "hg")[-1] == new
    tip = vcs.open_repository(path, "hg").get_commit(None)
    assert tip.message == "updated files: a.txt, b.txt, c.py"
    assert (gist.description, gist.expires, gist.acl_level) == ("edited", NOW + 600, "acl_private")
    assert gist.lexers == {"c.py": "python"}


def test_the_same_files_make_no_commit(uow, alice):
    gist = _made(uow, alice)
    same = {"a.txt": {"content": "one\n"}, "b.txt": {"content": "bee\n"}}
    assert gist_updates.update_gist(uow, alice, gist, same, description="only this") is None
    assert len(log_ids(gists.gist_path(uow, gist), "hg")) == 1 and gist.description == "only this"


def test_a_super_admin_may_edit_anybody_s_gist(uow, alice, root):
    gist = _made(uow, alice)
    gist_updates.update_gist(uow, root, gist, {"a.txt": {"content": "admin\n"}})
    assert gists.file_contents(uow, gist) == {"a.txt": "admin\n"}


def test_somebody_else_may_not(uow, alice):
    gist = _made(uow, alice)
    bob = people.caller(uow, people.user(uow))
    with unchanged(uow), pytest.raises(NotFound):
        gist_updates.update_gist(uow, bob, gist, {"a.txt": {"content": "mine now\n"}})


@pytest.mark.parametrize("files, fields", [
    ({}, {}),
    ({"a.txt": {"content": ""}}, {}),
    ({"../x": {"content": "x"}}, {}),
    ({"a.txt": {"content": "ok"}}, {"lifetime": 0}),
    ({"a.txt": {"content": "ok"}}, {"acl_level": "everybody"}),
    ({"a.txt": {"content": "ok"}}, {"description": 5}),
])
def test_bad_input_changes_nothing(uow, alice, files, fields):
    gist = _made(uow, alice)
    with unchanged(uow), pytest.raises(Invalid):
        gist_updates.update_gist(uow, alice, gist, files, **fields)


def test_the_web_listing_filters_as_rhodecode(uow, alice):
    bob = people.caller(uow, people.user(uow))
    mine_public = _made(uow, alice)
    mine_private = _made(uow, alice, gist_type="private")
    mine_hidden = _made(uow, alice, acl_level="acl_private")
    bobs = _made(uow, bob)
    expired = _made(uow, bob, lifetime=1)
    uow.clock = lambda: NOW + 120
    everyone = gists.web_listing(uow, bob.user)
    assert {mine_public, mine_hidden, bobs} <= set(everyone)
    assert mine_private not in everyone and expired not in everyone
    anonymous = gists.web_listing(uow, None)
    assert mine_public in anonymous and mine_hidden not in anonymous
    assert gists.web_listing(uow, alice.user, private=True) == [mine_private]
    assert set(gists.web_listing(uow, alice.user, public=True)) == {mine_public, mine_hidden}
    assert set(gists.web_listing(uow, alice.user, public=True, private=True)) == {
        mine_public, mine_private, mine_hidden}
