"""Facts about an HTTP request that every adapter needs: client IP, base URL, server address."""

from __future__ import annotations

from starlette.requests import Request

from vcshub.auth.ip_whitelist import client_ip
from vcshub.config import Settings


def request_client_ip(request: Request, settings: Settings) -> str:
    """The client's address; forwarded headers count only from the configured proxies."""
    peer = request.client.host if request.client else None
    proxies = settings.forwarded_allow_ips
    if "*" not in proxies and client_ip(peer) not in proxies:
        return client_ip(peer)
    return client_ip(peer, {k: v for k, v in request.headers.items()})


def base_url(request: Request, settings: Settings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def server_address(request: Request) -> str:
    server = request.scope.get("server") or ("", 0)
    return f"{server[0]}:{server[1]}"
