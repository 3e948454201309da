"""Whether this node can serve (``GET /_admin/health``, for load balancers and orchestrators).

Liveness is the process answering at all. Readiness is what a request needs besides the
process: the database answers a query, the repository store is there and writable, and, when
configured, Redis and the task broker answer (services/shared_services.py). Each check says
what failed, never a secret (no URL, no path). Also who may read the metrics besides the
node's own network (web/metrics_views.py).
"""

from __future__ import annotations

import os
import time

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from vcshub.auth.errors import AuthError
from vcshub.auth.identity import check_role, check_user_access, find_token_owner
from vcshub.auth.tokens import API_ROLES
from vcshub.services import shared_services
from vcshub.services.health_check import Check
from vcshub.services.unit_of_work import UnitOfWork


def readiness(uow: UnitOfWork) -> list[Check]:
    checks = [_database(uow), _store(uow)]
    settings = uow.settings
    if settings.redis_url:
        checks.append(shared_services.redis_check(settings.redis_url))
    if settings.task_broker_url:
        checks.append(shared_services.broker_check(settings.task_broker_url))
    return checks


def may_read_metrics(uow: UnitOfWork, token: str, client_ip: str) -> bool:
    """Whether ``token`` is an active super-admin's (role all or api, his IP whitelist
    obeyed): the credential a scraper from outside the node's private network must show."""
    try:
        user, role = find_token_owner(uow.db, token, uow.clock())
        check_role(role, API_ROLES)
        check_user_access(uow.db, user, client_ip)
    except AuthError:
        return False
    return bool(user.admin)


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
