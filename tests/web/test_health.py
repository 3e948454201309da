"""``/_admin/health`` and ``/_admin/health/live`` on a live server: no sign-in, JSON, never cached."""

from __future__ import annotations

import httpx


def test_health_answers_without_a_sign_in(live_server):
    ready = httpx.get(f"{live_server.url}/_admin/health", timeout=30)
    assert ready.status_code == 200 and ready.headers["cache-control"] == "no-store"
    body = ready.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["repository_store"]["ok"]
    live = httpx.get(f"{live_server.url}/_admin/health/live", timeout=30)
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert httpx.post(f"{live_server.url}/_admin/health", timeout=30).status_code == 404
