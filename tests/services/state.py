"""What the service tests read back: every row and folder (to prove a refusal changed
nothing), and the permission rows written on an object."""

from __future__ import annotations

import contextlib
import hashlib
import os

from sqlalchemy import select

from vcshub.db.models import Base, User
from vcshub.services import grants


def fingerprint(uow) -> str:
    """Every row of every table, and every path in the data directory."""
    digest = hashlib.sha256()
    for table in Base.metadata.sorted_tables:
        rows = sorted(repr(tuple(row)) for row in uow.db.execute(select(table)))
        digest.update(f"{table.name}:{rows}".encode())
    for folder, dirs, files in os.walk(uow.settings.data_dir):
        dirs.sort()
        digest.update(f"{folder}:{sorted(files)}".encode())
    return digest.hexdigest()


@contextlib.contextmanager
def unchanged(uow):
    """The block (a refused call) leaves the database and the disk exactly as they were."""
    before = fingerprint(uow)
    yield
    assert fingerprint(uow) == before, "refused, but something changed"


def user_rows(uow, target: grants.Target, object_id: int) -> dict[str, str]:
    """username → permission of the user rows on one object."""
    rows, _ = grants.rows_of(uow, target, object_id)
    return {uow.db.get(User, user_id).username: perm for user_id, perm in rows}


def group_rows(uow, target: grants.Target, object_id: int) -> dict[int, str]:
    """user-group id → permission of the user-group rows on one object."""
    _, rows = grants.rows_of(uow, target, object_id)
    return dict(rows)
