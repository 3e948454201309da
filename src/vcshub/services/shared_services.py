"""Whether the services that several nodes share answer: Redis (``redis_url``) and the task
broker (``task_broker_url``), for the readiness check (services/health.py).

A check connects and asks once, with a short timeout, so that a load balancer's probe never
hangs on a dead service. What failed is told by the error's class name only: URLs carry
passwords, and error texts carry hosts and ports.
"""

from __future__ import annotations

import time

from vcshub.services.health_check import Check

TIMEOUT_SECONDS = 2.0
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


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
    import redis

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
        connection = Connection(url, connect_timeout=timeout, transport_options={"max_retries": 0})
    except (ValueError, KeyError, KombuError):  # unknown transport name or a malformed URL
        return "bad URL"
    try:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except (OSError, KombuError, *connection.connection_errors) as exc:
        return type(exc).__name__
    finally:
        connection.release()
    return None
