"""The Alembic migrations build exactly the schema the models describe, on every database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.databases import database_url
from vcshub.db import migrate
from vcshub.db.engine import create_db_engine
from vcshub.db.models import Base


def test_migrations_match_models(db_backend, tmp_path):
    with database_url(db_backend, "migrations", tmp_path) as url:
        engine = create_db_engine(url)
        try:
            migrate.upgrade(engine)
            assert migrate.current_revision(engine) == migrate.head_revision()
            with engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            assert differences == []
            migrate.upgrade(engine)  # idempotent
        finally:
            engine.dispose()
