"""Whether this node can serve (``GET /_admin/health``, for load balancers and orchestrators).

Liveness is the process answering at all. Readiness is what a request needs besides the
process: the database answers a query, the repository store is there and writable, and, when
configured, Redis (``redis_url``) and the task broker (``task_broker_url``) answer. Each check
says what failed, never a secret: no path, and of Redis and the broker only the error's class
name (URLs carry passwords, error texts hosts and ports). Also who may read the metrics besides the
node's own network (web/metrics_views.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from vcshub.auth.errors import AuthError
from vcshub.auth.identity import check_role, check_user_access, find_token_owner
from vcshub.auth.tokens import API_ROLES
from vcshub.services.unit_of_work import UnitOfWork

# Redis and the task broker are asked once, this long at most: a load balancer's probe must
# never hang on a dead service.
TIMEOUT_SECONDS = 2.0
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # "ok", or what failed: never a URL, a path or a password
    seconds: float


def readiness(uow: UnitOfWork) -> list[Check]:
    checks = [_database(uow), _store(uow)]
    settings = uow.settings
    if settings.redis_url:
        checks.append(redis_check(settings.redis_url))
    if settings.task_broker_url:
        checks.append(broker_check(settings.task_broker_url))
    return checks


def may_read_metrics(uow: UnitOfWork, token: str, client_ip: str) -> bool:
    """Whether ``token`` is an active super-admin's (role all or api, his IP whitelist
    obeyed): the credential a scraper from outside the node's private network must show."""
    try:
        user, role, whitelist = find_token_owner(uow.db, token, uow.clock())
        check_role(role, API_ROLES)
        check_user_access(uow.db, user, client_ip, whitelist)
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


def redis_check(url: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    began = time.perf_counter()
    problem = _redis_problem(url, timeout)
    return Check("redis", problem is None, problem or "ok", time.perf_counter() - began)


def broker_check(url: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    """A connection to the broker; for a Redis broker a ping, for others (RabbitMQ: amqp://)
    kombu's connection, which is what Celery itself uses."""
    began = time.perf_counter()
    if url.startswith(_REDIS_SCHEMES):
        problem = _redis_problem(url, timeout)
    else:
        problem = _kombu_problem(url, timeout)
    return Check("task_broker", problem is None, problem or "ok", time.perf_counter() - began)


def _redis_problem(url: str, timeout: float) -> str | None:
    import redis  # here, as kombu below: only servers that configure them pay for the import

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError:  # not a Redis URL at all
        return "bad URL"
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return type(exc).__name__
    finally:
        client.close()
    return None


def _kombu_problem(url: str, timeout: float) -> str | None:
    from kombu import Connection
    from kombu.exceptions import KombuError

    try:
        connection = Connection(url, connect_timeout=timeout)
    except (ValueError, KeyError, KombuError):  # unknown transport name or a malformed URL
        return "bad URL"
    try:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except (OSError, KombuError, *connection.connection_errors) as exc:
        return type(exc).__name__
    finally:
        connection.release()
    return None
