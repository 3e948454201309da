"""The HTTP side of /_admin/api: read the body (bounded), run the pipeline in a thread of the
pool its method belongs to."""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from vcshub.api.pools import peek_method
from vcshub.api.protocol import ApiRequest, encode, envelope
from vcshub.metrics import instruments as metrics
from vcshub.web.request_info import base_url, request_client_ip, server_address


async def api_endpoint(request: Request) -> Response:
    state = request.app.state.vcshub
    limit = state.settings.max_request_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _reply(envelope(None, error=f"request body too large (limit {limit} bytes)"))
    body = bytearray()
    # REFERENCE.md 1.4 step 2 is about the header: a chunked body without Content-Length is
    # refused like RC4 does, so it is not even read.
    if declared is not None:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return _reply(envelope(None, error=f"request body too large (limit {limit} bytes)"))
    api_request = ApiRequest(
        http_method=request.method,
        has_content_length=declared is not None,
        body=bytes(body),
        client_ip=request_client_ip(request, state.settings),
        base_url=base_url(request, state.settings),
        server_address=server_address(request),
    )
    if metrics.SCOPE_KEY in request.scope:  # metrics on: which method, of the known ones
        method = peek_method(api_request.body)
        known = method is not None and state.dispatcher.registry.get(method) is not None
        metrics.label_request(request.scope, metrics.API, method if known else metrics.UNKNOWN_METHOD)
    # a pool by the method's speed (api/pools.py)
    reply = await to_thread.run_sync(
        state.dispatcher.handle, api_request, limiter=state.api_pools.limiter_for(api_request.body)
    )
    return _reply(reply)


def _reply(reply: dict) -> Response:
    return Response(encode(reply), status_code=200, media_type="application/json")


class ApiEndpoint:
    """/_admin/api as a plain ASGI app, for ``Route(path, ApiEndpoint())`` without ``methods``.

    Starlette routes a *function* endpoint only for the methods listed, and answers any other
    one itself (405, or another route's page); a class instance receives every method, so that
    TRACE or PROPFIND also get the contract's `unsupported request method` envelope (1.4 step 1).
    """

    async def __call__(self, scope, receive, send) -> None:
        response = await api_endpoint(Request(scope, receive))
        await response(scope, receive, send)
