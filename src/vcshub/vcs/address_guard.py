"""Which network addresses a remote operation may reach, and a Mercurial extension enforcing it.

A user who asks the server to clone a URL must not make it reach the machine itself, its cloud
metadata service or the private network behind it. Only globally routable unicast addresses
are "public". The same test runs twice: before any connection (services.remote_policy checks
every address a host name resolves to) and, for Mercurial, at connection time inside the hg
process (this file loaded as an extension), so that an HTTP redirect or a host name that
resolves differently the second time cannot lead elsewhere.

This module imports only the standard library: Mercurial loads it from its path.
"""

from __future__ import annotations

import ipaddress
import socket


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (not loopback, link-local, private,
    shared, multicast, reserved, documentation or unspecified)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is not None and not is_public(str(mapped)):
        return False
    return ip.is_global and not ip.is_multicast


_system_getaddrinfo = socket.getaddrinfo


def _public_getaddrinfo(host, port, *args, **kwargs):
    results = _system_getaddrinfo(host, port, *args, **kwargs)
    allowed = [entry for entry in results if is_public(str(entry[4][0]))]
    if not allowed:
        raise socket.gaierror(f"{host!s}: address not allowed (private or local network)")
    return allowed


def uisetup(ui) -> None:
    """Mercurial extension entry point: every connection of this hg process goes to public
    addresses only."""
    socket.getaddrinfo = _public_getaddrinfo
