"""Schema migrations with Alembic, driven programmatically (no alembic.ini to find)."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SAWarning

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


# Where a migration finds the instance's secret key (config.attributes): never in the database.
SECRET_KEY_ATTRIBUTE = "secret_key"


def _config(connection=None, secret_key: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    config.attributes[SECRET_KEY_ATTRIBUTE] = secret_key
    return config


def upgrade(engine: Engine, revision: str = "head", *, secret_key: str | None = None) -> None:
    """Bring the database schema up to ``revision`` (default: the newest).

    ``secret_key`` is the instance's (services/installation.py::secret_key): 0005 seals the
    tokens it finds stored in clear with it, and refuses to run without it when there are any.
    """
    with engine.begin() as connection:
        with warnings.catch_warnings():
            # SQLite's batch migrations reflect the tables they rebuild; the expression indexes
            # (lower(username), lower(email)) are not reflected, and not needed for that.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
            command.upgrade(_config(connection, secret_key), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()
