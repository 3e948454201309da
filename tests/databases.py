"""Test databases: a SQLite file, or a fresh PostgreSQL database per run (dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

# The test runner's own knob, not an application setting.
POSTGRES_ADMIN_URL = os.environ.get(
    "VCSHUB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _sqlalchemy_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def fresh_postgres_database(label: str) -> Iterator[str]:
    """Create ``vcshub_<label>_<random>`` so that concurrent runs never collide."""
    name = f"vcshub_{label}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield _sqlalchemy_url(f"{base}/{name}")
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_url(backend: str, label: str, data_dir) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{data_dir / 'vcshub.sqlite'}"
    elif backend == "postgresql":
        with fresh_postgres_database(label) as url:
            yield url
    else:
        raise ValueError(f"unknown database backend {backend!r}")
