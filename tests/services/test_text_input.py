"""No NUL character is stored, whichever service or adapter writes the row (issue 14, defect
17): PostgreSQL cannot hold it, so SQLite must refuse it too, with an error naming the field."""

from __future__ import annotations

import pytest

from vcshub.permissions.caller import Caller
from vcshub.services import gists, lookup, users
from vcshub.services.errors import Invalid
from vcshub.services.text_input import holds_nul


@pytest.fixture
def admin(uow):
    return Caller(uow.db, lookup.user(uow.db, "admin"))


def test_new_rows_with_nul_are_refused(uow, admin):
    with pytest.raises(Invalid) as refused:
        users.create_user(uow, admin, username="nul-first", email="nf@example.com",
                          firstname="a\0b")
        uow.db.flush()
    assert refused.value.field == "firstname"
    assert refused.value.reason == "NUL characters are not allowed"


def test_changed_rows_with_nul_are_refused(uow, admin):
    user = users.create_user(uow, admin, username="nul-later", email="nl@example.com")
    uow.db.flush()
    with pytest.raises(Invalid) as refused:
        users.update_user(uow, admin, user.user_id, {"lastname": "\0"})
        uow.db.flush()
    assert refused.value.field == "lastname"


def test_gist_description_with_nul_is_refused(uow, admin):
    with pytest.raises(Invalid) as refused:
        gists.create_gist(uow, admin, {"a.txt": {"content": "x"}}, description="d\0")
    assert refused.value.field == "description"


@pytest.mark.parametrize("value, expected", [
    ("plain", False), ("a\0", True), (["x", ["y", "\0"]], True), ({"k\0": 1}, True),
    ({"k": {"n": "v\0"}}, True), ({"k": [1, 2.5, None]}, False), (5, False),
])
def test_nul_is_found_inside_json_values(value, expected):
    assert holds_nul(value) is expected
