"""Fixtures shared by every test: database backends, a live server, API clients, units of work."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.live_server import start_server

BACKENDS = ("sqlite", "postgresql")

# The `hg` and `vcshub` scripts live next to the interpreter running the tests.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=",".join(BACKENDS),
        help="comma separated database backends to run against (sqlite,postgresql)",
    )


def _compile_vcshub() -> None:
    """Write vcshub's bytecode once, before the suite starts its subprocesses.

    The suite runs ``vcshub`` thousands of times in processes of its own (servers, ``vcshub
    init``, ``token create``, sshd's AuthorizedKeysCommand and forced command...). With
    ``PYTHONDONTWRITEBYTECODE`` set (as on CI's machines) none of them writes ``__pycache__``
    for the editable install's sources, so each recompiled all of vcshub at start-up (about
    0.6 s a process). compileall writes it regardless, and only what is out of date."""
    import compileall

    import vcshub

    compileall.compile_dir(Path(vcshub.__file__).parent, quiet=1)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        _compile_vcshub()
    if config.pluginmanager.hasplugin("xdist"):
        from tests.worker_groups import WorkerGroupsPlugin

        config.pluginmanager.register(WorkerGroupsPlugin(), "vcshub-worker-groups")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        backends = [b for b in metafunc.config.getoption("--db").split(",") if b]
        metafunc.parametrize("db_backend", backends, scope="session")


@pytest.fixture(scope="session")
def live_server(db_backend, tmp_path_factory):
    """One real server per database backend for the whole run."""
    data_dir = tmp_path_factory.mktemp(f"server-{db_backend}")
    with database_url(db_backend, "server", data_dir) as url:
        server = start_server(data_dir, url)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def admin_api(live_server) -> ApiClient:
    client = ApiClient(live_server.api_url, live_server.admin_token)
    yield client
    client.close()


@pytest.fixture(scope="session")
def service_env(db_backend, tmp_path_factory):
    """A migrated database and data dir for service-level tests (no HTTP server)."""
    from vcshub.config import load_settings
    from vcshub.db.engine import create_db_engine, create_session_factory
    from vcshub.services import installation

    data_dir = tmp_path_factory.mktemp(f"services-{db_backend}")
    with database_url(db_backend, "services", data_dir) as url:
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        engine = create_db_engine(url)
        installation.initialize(settings, engine)
        yield settings, create_session_factory(engine)
        engine.dispose()


@pytest.fixture
def uow(service_env):
    """A unit of work that is rolled back after the test, database and disk alike."""
    from vcshub.services.unit_of_work import UnitOfWork

    settings, sessions = service_env
    with sessions() as session:
        work = UnitOfWork(db=session, settings=settings)
        yield work
        work.rollback()
