"""Readiness checks (services/health.py): the database and the repository store, each saying
what failed."""

from __future__ import annotations

import dataclasses

from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.services import health
from vcshub.services.unit_of_work import UnitOfWork


def test_a_working_node_is_ready(uow):
    checks = {c.name: c for c in health.readiness(uow)}
    assert checks["database"].ok and checks["repository_store"].ok


def test_a_missing_store_and_an_unreachable_database_are_named(service_env, tmp_path):
    settings, _sessions = service_env
    elsewhere = dataclasses.replace(settings, data_dir=tmp_path / "not-mounted")
    engine = create_db_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite'}")
    try:
        with create_session_factory(engine)() as session:
            checks = {c.name: c for c in health.readiness(UnitOfWork(db=session, settings=elsewhere))}
    finally:
        engine.dispose()
    assert not checks["database"].ok and checks["database"].detail == "OperationalError"
    assert not checks["repository_store"].ok and checks["repository_store"].detail == "missing"
    assert str(tmp_path) not in repr(checks)  # no path, no URL
