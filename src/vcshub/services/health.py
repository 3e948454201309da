"""Whether this node can serve (``GET /_admin/health``, for load balancers and orchestrators).

Liveness is the process answering at all. Readiness is what a request needs besides the
process: the database answers a query, and the repository store is there and writable. Each
check says what failed, never a secret (no database URL, no path).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from vcshub.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float


def readiness(uow: UnitOfWork) -> list[Check]:
    return [_database(uow), _store(uow)]


def _database(uow: UnitOfWork) -> Check:
    began = time.perf_counter()
    try:
        uow.db.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        uow.db.rollback()
        return Check("database", False, type(exc).__name__, time.perf_counter() - began)
    return Check("database", True, uow.db.get_bind().dialect.name, time.perf_counter() - began)


def _store(uow: UnitOfWork) -> Check:
    began = time.perf_counter()
    folder = uow.settings.repos_dir
    if not folder.is_dir():
        problem = "missing"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = "not writable"
    else:
        problem = None
    took = time.perf_counter() - began
    return Check("repository_store", problem is None, problem or "ok", took)
