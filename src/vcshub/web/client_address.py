"""Which address a request comes from, behind zero or more trusted reverse proxies.

A proxy such as nginx with ``$proxy_add_x_forwarded_for`` *appends* the address it saw to
whatever ``X-Forwarded-For`` the client sent, so only the right end of the chain is written
by proxies we trust; its left end is whatever the client chose. The client is therefore the
rightmost hop that is not one of our proxies (uvicorn and Gitea read it the same way).
Anything that is not an IP address is ignored, and the socket peer is the answer of last
resort: an unparseable address must not become a whitelist or throttle key.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Sequence

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(raw: str | None) -> Address | None:
    """An address from a header or peer value (``[v6]:port`` and ``v4:port`` accepted), or None."""
    text = (raw or "").strip()
    if text.startswith("["):  # [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    """The proxies whose forwarded headers count: addresses or networks, ``*`` for every peer."""

    def __init__(self, entries: Iterable[str]) -> None:
        entries = [e.strip() for e in entries if e.strip()]
        self.everyone = "*" in entries
        self._networks = []
        for entry in entries:
            if entry == "*":
                continue
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue  # a typo trusts nobody rather than everybody

    def __contains__(self, address: Address | None) -> bool:
        if address is None:
            return False
        if self.everyone:
            return True
        return any(address.version == n.version and address in n for n in self._networks)


@functools.lru_cache(maxsize=8)
def trusted_proxies(entries: tuple[str, ...]) -> TrustedProxies:
    return TrustedProxies(entries)


def client_address(
    peer: str | None,
    proxies: TrustedProxies,
    real_ip: str | None = None,
    forwarded_for: Sequence[str] = (),
) -> str:
    """The client's address as text.

    ``real_ip``: the ``X-Real-IP`` header (REFERENCE.md 1.5 reads it first: a proxy sets it to
    the address it saw); ``forwarded_for``: every ``X-Forwarded-For`` header, in order. Both
    count only when the peer is a trusted proxy.
    """
    peer_address = parse_address(peer)
    fallback = str(peer_address) if peer_address is not None else (peer or "")
    if peer_address not in proxies:
        return fallback
    real = parse_address(real_ip)
    if real is not None:
        return str(real)
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    if not hops:
        return fallback
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return fallback  # a hop no proxy of ours wrote: the chain is not to be believed
        if address not in proxies:
            return str(address)
    # every hop is one of our proxies: the request started at the leftmost one
    return str(parse_address(hops[0]))
