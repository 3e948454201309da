"""An instance whose units of work commit, for the tests of the permission-map cache.

Its own database per module and backend (the shared service database is only ever rolled
back), and a new session factory per test: one factory is one process with its own cache.
Units of work commit as the API's do; every name is unique, so tests in a module never meet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, event

from tests.databases import database_url
from tests.factories import people, unique
from tests.factories import repos as repo_factory
from vcshub.config import Settings, load_settings
from vcshub.db import permission_generation
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import User
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services import installation, lookup
from vcshub.services.permission_report import permission_report
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work


class StatementCounter:
    """The SQL statements an engine runs while the block runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


@dataclass
class Instance:
    """One process of the instance: a session factory (so its own cache) on the database."""

    settings: Settings
    engine: Engine

    def __post_init__(self) -> None:
        self.sessions = create_session_factory(self.engine)

    @contextmanager
    def unit(self, *, writes: bool = True) -> Iterator[UnitOfWork]:
        with unit_of_work(self.sessions, self.settings, writes=writes) as uow:
            yield uow

    def act(self, change: Callable[[UnitOfWork, Caller], object]) -> object:
        """Run ``change(uow, admin caller)`` in a unit of work of its own, committed."""
        with self.unit() as uow:
            return change(uow, Caller(uow.db, lookup.user(uow.db, "admin")))

    def report(self, username: str) -> dict:
        """What get_user shows of the user's permissions, by name, in a unit of its own."""
        with self.unit(writes=False) as uow:
            return permission_report(uow, lookup.user(uow.db, username))

    def generation(self) -> int:
        with self.unit(writes=False) as uow:
            return permission_generation.read(uow.db)

    def permission_statements(self, username: str) -> list[str]:
        """The statements of a new unit's full permission computation for the user."""
        with self.unit(writes=False) as uow:
            user = lookup.user(uow.db, username)
            perms = EffectivePermissions(uow.db, user)
            with StatementCounter(self.engine) as counter:
                perms.global_perms, perms.repos(), perms.repo_groups(), perms.user_groups()
            return counter.statements

    def warm(self, username: str) -> dict:
        """The user's report, after which his maps are in this process's cache: the next unit
        computes them with the generation query alone."""
        report = self.report(username)
        statements = self.permission_statements(username)
        assert len(statements) == 1 and "permission_generation" in statements[0], statements
        return report

    # -- objects, made by the admin in committed units -------------------------------------------
    def user(self, **fields) -> str:
        return self.act(lambda uow, _: people.user(uow, **fields).username)

    def repo(self, *, owner: str = "admin", group: str | None = None, private=False) -> str:
        def make(uow, admin):
            found = lookup.repo_group(uow.db, group) if group else None
            owner_user = lookup.user(uow.db, owner)
            return repo_factory.repo(
                uow, admin, group=found, owner=owner_user, private=private
            ).repo_name
        return self.act(make)

    def group(self) -> str:
        return self.act(lambda uow, admin: repo_factory.repo_group(uow, admin).group_name)

    def user_group(self, *members: str, active=True) -> str:
        def make(uow, admin):
            users = [lookup.user(uow.db, m) for m in members]
            made = people.user_group(uow, admin, *users, name=unique("pcug"), active=active)
            return made.group_name
        return self.act(make)


def user_of(uow: UnitOfWork, username: str) -> User:
    return lookup.user(uow.db, username)


@pytest.fixture(scope="module")
def cache_db(db_backend, tmp_path_factory):
    """(settings, engine) of a database of this module's own."""
    data_dir = tmp_path_factory.mktemp(f"permcache-{db_backend}")
    with database_url(db_backend, "permcache", data_dir) as url:
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        engine = create_db_engine(url)
        installation.initialize(settings, engine)
        try:
            yield settings, engine
        finally:
            engine.dispose()


@pytest.fixture
def instance(cache_db) -> Instance:
    return Instance(*cache_db)
