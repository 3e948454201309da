"""Fixtures of the API tests that reach past the API: the server's database and folders."""

from __future__ import annotations

import pytest

from tests.factories import unique
from vcshub.db.engine import create_db_engine


@pytest.fixture(scope="session")
def db_engine(live_server):
    """Direct access to the server's database, for what the API cannot set or show."""
    engine = create_db_engine(live_server.env["VCSHUB_DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def repos_dir(live_server):
    return live_server.data_dir / "repos"


@pytest.fixture(scope="session")
def has_create_repo(admin_api) -> bool:
    """Repository methods arrived after the repository-group tests: cover them when present."""
    reply = admin_api.call("create_repo", repo_name=unique("probe"), repo_type="git")
    return reply["error"] is None


@pytest.fixture
def need_repos(has_create_repo):
    if not has_create_repo:
        pytest.skip("create_repo is not available on this server")
