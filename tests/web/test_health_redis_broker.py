"""Readiness with Redis and a task broker configured: 200 and both checks when they answer (the
real Redis at 127.0.0.1:6379); 503, the failing checks named and nothing of their URLs
(passwords, hosts, ports) in the answer when nobody listens.

The application is built in-process on the service tier's database and served through
Starlette's test client, without its lifespan: no background thread, no task is submitted to
the broker (a live server would send its periodic tasks there, for no worker to take)."""

from __future__ import annotations

import dataclasses

from starlette.testclient import TestClient

from tests.live_server import free_port
from vcshub.app import create_app


REDIS_URL = "redis://127.0.0.1:6379/15"  # only pinged


def test_readiness_with_redis_and_a_redis_broker_answering(service_env):
    settings, _ = service_env
    app = create_app(dataclasses.replace(settings, redis_url=REDIS_URL, task_broker_url=REDIS_URL))
    response = TestClient(app).get("/_admin/health")
    assert response.status_code == 200, response.text
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": True, "detail": "ok", "ms": checks["redis"]["ms"]}
    assert checks["task_broker"]["ok"] and checks["database"]["ok"]
    assert "6379" not in response.text


def test_readiness_fails_on_unreachable_redis_and_broker_without_telling_their_urls(service_env):
    settings, _ = service_env
    port = free_port()  # free a moment ago: nobody listens there
    redis_url = f"redis://:redis-secret@127.0.0.1:{port}/3"
    broker_url = f"amqp://guest:broker-secret@127.0.0.1:{port}//"
    app = create_app(dataclasses.replace(settings, redis_url=redis_url, task_broker_url=broker_url))
    response = TestClient(app).get("/_admin/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    checks = body["checks"]
    assert not checks["redis"]["ok"] and not checks["task_broker"]["ok"]
    assert checks["database"]["ok"] and checks["repository_store"]["ok"]
    for secret in ("redis-secret", "broker-secret", str(port), "127.0.0.1", "redis://", "amqp://"):
        assert secret not in response.text


def test_readiness_has_no_redis_check_unless_configured(service_env):
    settings, _ = service_env
    app = create_app(dataclasses.replace(settings, redis_url="", task_broker_url=""))
    response = TestClient(app).get("/_admin/health")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "repository_store"}
