"""Minimal HTML pages until the web UI lands."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from vcshub import __version__


async def index_page(request: Request) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><title>vcshub</title>"
        f"<h1>vcshub {__version__}</h1>"
        "<p>The JSON-RPC API is served at <code>/_admin/api</code>.</p>"
    )


async def not_found(scope, receive, send) -> None:
    response = HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", 404)
    await response(scope, receive, send)
