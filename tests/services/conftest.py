"""The world the group-permission tests build in: a super-admin, "me", "other", ``default``."""

from __future__ import annotations

import pytest

from tests.services.permission_world import World, _make_user
from vcshub.db.models import User
from vcshub.permissions.effective import DEFAULT_USERNAME


@pytest.fixture
def world(uow) -> World:
    root, me, other = _make_user(uow, admin=True), _make_user(uow), _make_user(uow)
    default = uow.db.query(User).filter(User.username == DEFAULT_USERNAME).one()
    w = World(uow, root, me, other, default)
    w.names.update(me=me.username, other=other.username, default=DEFAULT_USERNAME)
    return w
