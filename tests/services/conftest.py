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


@pytest.fixture
def committing_uow(service_env):
    """A unit of work for services that commit midway (fork, clone, merge: they end their
    transaction before slow work). Its commits only release savepoints inside one outer
    transaction, and keep their disk undo steps: after the test the outer transaction is rolled
    back and every folder made is removed, so database and disk stay as the test found them."""
    from vcshub.permissions.map_cache import SESSION_KEY, PermissionMapCache
    from vcshub.services.unit_of_work import UnitOfWork

    class SavepointUnitOfWork(UnitOfWork):
        def commit(self) -> None:
            undo = list(self._undo)
            super().commit()
            self._undo[:0] = undo

    settings, sessions = service_env
    with sessions.kw["bind"].connect() as connection:
        outer = connection.begin()
        # From the application's factory, so that its commits bump the permission generation
        # and write the audit trail as the server's do; with a permission cache of its own,
        # since everything it commits is rolled back afterwards.
        session = sessions(
            bind=connection, join_transaction_mode="create_savepoint",
            info={SESSION_KEY: PermissionMapCache()},
        )
        work = SavepointUnitOfWork(db=session, settings=settings)
        try:
            yield work
        finally:
            work.rollback()
            session.close()
            outer.rollback()


@pytest.fixture
def root(uow):
    """A super-admin of the test's own, as the caller of services."""
    from tests.factories import people

    return people.caller(uow, people.admin(uow))
