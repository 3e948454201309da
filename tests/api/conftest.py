"""Fixtures shared by the API test modules: the server's database and folders, a plain user."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from vcshub.db.engine import create_db_engine, create_session_factory


@pytest.fixture(scope="session")
def db_engine(live_server):
    """Direct access to the server's database, for what the API cannot set or show."""
    engine = create_db_engine(live_server.env["VCSHUB_DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def repos_dir(live_server):
    return live_server.data_dir / "repos"


@pytest.fixture(scope="module")
def db(live_server):
    engine = create_db_engine(live_server.database_url)
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def plain(admin_api):
    return make_user(admin_api, firstname="Plain", lastname="User")
