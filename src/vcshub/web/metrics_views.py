"""``GET /_admin/metrics``: the node's Prometheus metrics, 404 unless ``metrics_enabled``.

Who may read them. Metrics tell how busy the server is, which API methods are called, how many
processes run and how much memory they hold: nothing secret, but nothing for the world either.
Scrapers live on the operators' private network, next to the load balancer, so:

- a request whose client address (web/client_address.py: forwarded headers count only from
  ``forwarded_allow_ips``) is a loopback address or lies in ``forwarded_allow_ips`` is let in
  without credentials: a Prometheus on the node's machine, or on the proxies' network that
  the operator already trusts. A request relayed by the load balancer for an outside client
  carries that client's address, so it is *not* let in this way (the load balancer must send
  ``X-Forwarded-For``/``X-Real-IP``; deploy/haproxy.cfg also refuses the path outright);
  ``*`` in that setting trusts every peer's headers, not every client, and opens nothing here;
- anybody else shows an active super-admin's token (role all or api, his IP whitelist obeyed)
  as ``Authorization: Bearer <token>`` (Prometheus's ``authorization`` scrape setting) or
  ``?auth_token=``: 403 without one, 403 with any other.

Why not a setting of its own: the proxies' addresses already are the operator's statement of
which network is theirs, and one less setting cannot be got wrong.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from vcshub.metrics import exposition
from vcshub.services import health
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web.client_address import parse_address, trusted_proxies
from vcshub.web.request_info import request_client_ip
from vcshub.web.web_auth import TOKEN_PARAMS


async def metrics(request: Request) -> Response:
    state = request.app.state.vcshub
    if not state.settings.metrics_enabled:
        return PlainTextResponse("Not Found\n", status_code=404)
    client_ip = request_client_ip(request, state.settings)
    if not _on_private_network(client_ip, state.settings.forwarded_allow_ips):
        token = _token(request)
        if token is None:
            return PlainTextResponse("A super-admin's token is required\n", status_code=403)
        if not await run_in_threadpool(_token_allowed, state, token, client_ip):
            return PlainTextResponse("Not allowed\n", status_code=403)
    body = await run_in_threadpool(exposition.scrape)
    return Response(body, media_type=exposition.CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def _on_private_network(client_ip: str, proxies: tuple[str, ...]) -> bool:
    address = parse_address(client_ip)
    if address is None:
        return False
    if address.is_loopback:
        return True
    # the listed networks only: "*" in the setting is about trusting headers
    networks = trusted_proxies(tuple(p for p in proxies if p.strip() != "*"))
    return address in networks


def _token(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return next((request.query_params[p] for p in TOKEN_PARAMS if request.query_params.get(p)), None)


def _token_allowed(state, token: str, client_ip: str) -> bool:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        return health.may_read_metrics(uow, token, client_ip)


ROUTES = [Route("/_admin/metrics", metrics, methods=["GET"])]
