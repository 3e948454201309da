"""Counting and timing every HTTP request (installed only when metrics are on).

A plain ASGI middleware, outermost in the stack (app.py), so that the time covers the whole
answer, streamed bodies included. The kind comes from the path for what is known up front
(the API, static files, the health and metrics probes); the catch-all endpoint says when a
request was a git or hg one, the API endpoint which method it ran (``label_request``). The
cost is a dataclass, two clock readings and three writes into this process's metric file
per request, about 10 µs (benchmarks/metrics_overhead.py).
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcshub.metrics.instruments import (
    API, HTTP_REQUESTS, HTTP_SECONDS, PROBE, SCOPE_KEY, STATIC, WEB, RequestLabels,
)

_STATUS_CLASSES = {n: f"{n}xx" for n in range(1, 6)}


def kind_of_path(path: str, static_prefix: str) -> str:
    """The request's kind as far as its path tells (the endpoints may refine ``web``)."""
    if path == "/_admin/api":
        return API
    if path.startswith(static_prefix):
        return STATIC
    if path.startswith(("/_admin/health", "/_admin/metrics")):
        return PROBE
    return WEB


class RequestMetrics:
    def __init__(self, app: ASGIApp, static_prefix: str) -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        labels = RequestLabels(kind_of_path(scope["path"], self.static_prefix))
        scope[SCOPE_KEY] = labels
        status = 500  # what the server answers when the app raises before it starts answering
        recorded = False

        def record() -> None:
            nonlocal recorded
            recorded = True
            count, timing = _children(labels.kind, labels.operation, status // 100)
            count.inc()
            timing.observe(time.perf_counter() - began)

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif (message["type"] == "http.response.body" and not recorded
                  and not message.get("more_body", False)):
                # before the answer's end leaves: a client that has it finds it counted
                record()
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            if not recorded:  # no complete answer: an error, or the client went away
                record()


# (kind, operation, status class) -> the counter's and the histogram's children. Looking a
# child up by its labels (validation, a lock) cost as much as recording into it; the label
# values are bounded (instruments.py), and so is this dict. A race only makes one twice.
_CHILDREN: dict[tuple[str, str, int], tuple] = {}


def _children(kind: str, operation: str, status: int) -> tuple:
    key = (kind, operation, status)
    found = _CHILDREN.get(key)
    if found is None:
        found = (HTTP_REQUESTS.labels(kind, operation, _STATUS_CLASSES.get(status, "other")),
                 HTTP_SECONDS.labels(kind, operation))
        _CHILDREN[key] = found
    return found
