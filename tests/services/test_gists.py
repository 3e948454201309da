"""services.gists called directly: ownership, lifetime and expiry, visibility, and the gist's
own Mercurial repository (REFERENCE.md 3.9, 4.9)."""

from __future__ import annotations

import re

import pytest

from tests.factories import people
from tests.factories.commits import log_ids
from tests.services.state import unchanged
from vcshub import vcs
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import gists
from vcshub.services.errors import Invalid, NotFound, NotYourUser, OwnerNotAllowed

NOW = 2_000_000.0
ONE_FILE = {"a.txt": {"content": "alpha\n"}}


@pytest.fixture
def alice(uow):
    uow.clock = lambda: NOW
    return people.caller(uow, people.user(uow, firstname="Alice", lastname="Liddell"))


def test_a_public_gist_is_named_by_its_id_and_holds_one_commit_by_its_owner(uow, alice):
    gist = gists.create_gist(uow, alice, {"b.py": {"content": "x = 1\n", "lexer": "python"},
                                          "a.txt": {"content": "alpha\n"}}, description="two")
    assert (gist.access_id, gist.owner_id, gist.gist_type) == (str(gist.gist_id), alice.user_id,
                                                               "public")
    assert (gist.acl_level, gist.expires, gist.description) == ("acl_public", -1, "two")
    assert gist.lexers == {"b.py": "python"}
    files = gists.gist_files(uow, gist)
    assert [(f.name, f.content, f.lexer) for f in files] == [
        ("a.txt", b"alpha\n", None), ("b.py", b"x = 1\n", "python")]
    assert log_ids(gists.gist_path(uow, gist), "hg") == [files[0].commit_id]
    tip = vcs.open_repository(gists.gist_path(uow, gist), "hg").get_commit(None)
    assert tip.message == "added files: a.txt, b.py"
    assert tip.author == f"Alice Liddell <{alice.user.email}>"


def test_a_private_gist_gets_a_random_name(uow, alice):
    one = gists.create_gist(uow, alice, ONE_FILE, gist_type="private")
    two = gists.create_gist(uow, alice, ONE_FILE, gist_type="private")
    for gist in (one, two):
        assert re.fullmatch(r"[A-Za-z0-9]{20}", gist.access_id)
    assert one.access_id != two.access_id
    assert gists.file_contents(uow, one) == {"a.txt": "alpha\n"}


def test_lifetime_sets_the_expiry_from_the_clock(uow, alice):
    gist = gists.create_gist(uow, alice, ONE_FILE, lifetime=10)
    assert gist.expires == NOW + 600
    assert not gist.expired(NOW + 599) and gist.expired(NOW + 600)


@pytest.mark.parametrize("lifetime", [0, -2, "10", 1.5, True, None])
def test_a_lifetime_is_minutes_or_forever(uow, alice, lifetime):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        gists.create_gist(uow, alice, ONE_FILE, lifetime=lifetime)
    assert refused.value.field == "lifetime"


@pytest.mark.parametrize("files", [
    {}, None, [], {"a/b.txt": {"content": "x"}}, {"..": {"content": "x"}},
    {".hgignore": {"content": "x"}}, {"a.txt": {"content": ""}}, {"a.txt": "x"},
    {"a.txt": {"content": 5}}, {"a.txt": {"content": "x", "lexer": "no-such-lexer"}},
])
def test_bad_files_create_nothing(uow, alice, files):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        gists.create_gist(uow, alice, files)
    assert refused.value.field == "files"


@pytest.mark.parametrize("field, value", [("gist_type", "secret"), ("acl_level", "acl_hidden")])
def test_type_and_acl_level_are_closed_lists(uow, alice, field, value):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        gists.create_gist(uow, alice, ONE_FILE, **{field: value})
    assert refused.value.field == field


# -- ownership ----------------------------------------------------------------------------------


def test_only_a_super_admin_creates_for_someone_else(uow, root, alice):
    bob = people.user(uow)
    with unchanged(uow), pytest.raises(OwnerNotAllowed):
        gists.create_gist(uow, alice, ONE_FILE, owner=bob.username)
    mine = gists.create_gist(uow, alice, ONE_FILE, owner=alice.user_id)  # naming himself is fine
    assert mine.owner_id == alice.user_id
    given = gists.create_gist(uow, root, ONE_FILE, owner=bob.username)
    assert given.owner_id == bob.user_id


@pytest.mark.parametrize("owner", ["nobody-at-all", DEFAULT_USERNAME])
def test_a_super_admin_names_a_real_owner(uow, root, owner):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        gists.create_gist(uow, root, ONE_FILE, owner=owner)
    assert refused.value.field == "owner"


def test_only_the_owner_and_super_admins_see_a_gist_through_the_api(uow, root, alice):
    gist = gists.create_gist(uow, alice, ONE_FILE)  # public, but the API shows it to its owner
    bob = people.caller(uow, people.user(uow))
    assert gists.get_gist(uow, alice, gist.access_id) is gist
    assert gists.get_gist(uow, root, gist.access_id) is gist
    with pytest.raises(NotFound) as hidden:
        gists.get_gist(uow, bob, gist.access_id)
    assert (hidden.value.kind, hidden.value.ident) == ("gist", gist.access_id)


@pytest.mark.parametrize("ident", [None, True, "no-such-gist", "a\0b"])
def test_unknown_gist_ids_do_not_exist(uow, alice, ident):
    with pytest.raises(NotFound):
        gists.get_gist(uow, alice, ident)


def test_delete_by_the_owner_removes_the_folder_after_commit(committing_uow):
    uow = committing_uow
    uow.clock = lambda: NOW
    alice = people.caller(uow, people.user(uow))
    other = gists.create_gist(uow, alice, ONE_FILE)
    gist = gists.create_gist(uow, alice, ONE_FILE)
    path = gists.gist_path(uow, gist)
    bob = people.caller(uow, people.user(uow))
    with unchanged(uow), pytest.raises(NotFound):
        gists.delete_gist(uow, bob, gist)
    gists.delete_gist(uow, alice, gist)
    assert gists.list_gists(uow, alice) == [other]
    assert path.is_dir()  # kept until the deletion is committed: a rollback must find it
    uow.commit()  # the fixture's unit of work: commits only its savepoint
    assert not path.exists() and gists.gist_path(uow, other).is_dir()


# -- expiry ---------------------------------------------------------------------------------------


def test_expired_gists_leave_lists_and_the_web_but_not_their_owner(uow, alice):
    short = gists.create_gist(uow, alice, ONE_FILE, lifetime=1)
    forever = gists.create_gist(uow, alice, ONE_FILE)
    assert [g.gist_id for g in gists.list_gists(uow, alice)] == [forever.gist_id, short.gist_id]
    assert gists.visible_on_web(uow, None, short.access_id) is short
    uow.clock = lambda: NOW + 60
    assert [g.gist_id for g in gists.list_gists(uow, alice)] == [forever.gist_id]
    with pytest.raises(NotFound):
        gists.visible_on_web(uow, alice.user, short.access_id)
    assert gists.get_gist(uow, alice, short.access_id) is short


def test_acl_private_gists_are_for_signed_in_users_on_the_web(uow, alice):
    gist = gists.create_gist(uow, alice, ONE_FILE, acl_level="acl_private")
    bob = people.user(uow)
    assert gists.visible_on_web(uow, bob, gist.access_id) is gist
    for anonymous in (None, people.default_user(uow)):
        with pytest.raises(NotFound):
            gists.visible_on_web(uow, anonymous, gist.access_id)


def test_list_gists_of_someone_else_is_for_super_admins(uow, root, alice):
    gist = gists.create_gist(uow, alice, ONE_FILE)
    assert gists.list_gists(uow, root, alice.user.username) == [gist]
    bob = people.caller(uow, people.user(uow))
    with pytest.raises(NotYourUser):
        gists.list_gists(uow, bob, alice.user_id)
    assert gists.list_gists(uow, alice, alice.user_id) == [gist]
