"""``GET /_admin/health`` (readiness: 200 when this node can serve, 503 and what failed when not)
and ``GET /_admin/health/live`` (liveness: the process answers). No sign-in: load balancers
call them; they tell nothing but ok or the name of what failed."""

from __future__ import annotations

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vcshub.services import health
from vcshub.services.unit_of_work import unit_of_work


def _json(document: dict, status: int) -> Response:
    return Response(orjson.dumps(document), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store"})


async def live(request: Request) -> Response:
    return _json({"status": "ok"}, 200)


async def ready(request: Request) -> Response:
    state = request.app.state.vcshub
    checks = await run_in_threadpool(_readiness, state)
    ok = all(check.ok for check in checks)
    return _json({
        "status": "ok" if ok else "fail",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail, "ms": round(c.seconds * 1000, 2)}
                   for c in checks},
    }, 200 if ok else 503)


def _readiness(state) -> list[health.Check]:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        return health.readiness(uow)


ROUTES = [
    Route("/_admin/health", ready, methods=["GET", "HEAD"]),
    Route("/_admin/health/live", live, methods=["GET", "HEAD"]),
]
