"""Facts about an HTTP request that every adapter needs: client IP, base URL, server address."""

from __future__ import annotations

from starlette.requests import Request

from vcshub.config import Settings
from vcshub.web.client_address import client_address, trusted_proxies


def request_client_ip(request: Request, settings: Settings) -> str:
    """The client's address; forwarded headers count only from the configured proxies
    (see :mod:`vcshub.web.client_address`)."""
    return client_address(
        request.client.host if request.client else None,
        trusted_proxies(settings.forwarded_allow_ips),
        request.headers.get("x-real-ip"),
        request.headers.getlist("x-forwarded-for"),
    )


def base_url(request: Request, settings: Settings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def server_address(request: Request) -> str:
    server = request.scope.get("server") or ("", 0)
    return f"{server[0]}:{server[1]}"
