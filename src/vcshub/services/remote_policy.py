"""Which remotes a caller may make the server clone or pull from, and within which limits.

``clone_uri`` makes the server connect wherever a user says. Left open, anybody who may create
a repository could reach what only the server can reach: its own services on loopback, the
cloud metadata service, the private network behind it, local folders. Users other than
super-admins therefore get public addresses only (every address the host name resolves to is
checked before any connection, and again at connection time where the tool allows), unless
``remote_allow_private`` is set; local paths and file:// never.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from urllib.parse import urlsplit

from vcshub import coordination
from vcshub.config import Settings
from vcshub.permissions.caller import Caller
from vcshub.serializers.repos import masked_clone_uri
from vcshub.services.errors import Invalid
from vcshub.vcs import TransferLimits
from vcshub.vcs.address_guard import is_public

DEFAULT_PORTS = {"http": 80, "https": 443, "ssh": 22, "git": 9418}


def limits(settings: Settings) -> TransferLimits:
    return TransferLimits(
        timeout=settings.remote_timeout_seconds,
        stall=settings.remote_stall_seconds,
        max_concurrent=settings.remote_max_concurrent,
        # one count for every worker process (and node, with Redis)
        slots=coordination.for_settings(settings).semaphore(
            "remote-slots", settings.remote_max_concurrent).slot,
        ssh_command=settings.remote_ssh_command,
    )


def _unrestricted(caller: Caller) -> bool:
    # Super-admins administer the machine (its disk, its settings, its users): cloning from a
    # local path or a private address gives them nothing they do not have, and mirroring an
    # internal server is a legitimate use.
    return caller.is_admin


def validate_clone_uri(caller: Caller, settings: Settings, uri: object) -> str | None:
    """The URL to store, refused at once when it can never be allowed for this caller.

    No name resolution here (it may be slow, and this runs inside a transaction): only literal
    addresses and ``localhost`` are judged; :func:`cleared_limits` checks the rest before the
    transfer.
    """
    if uri in (None, ""):
        return None
    if not isinstance(uri, str):
        raise Invalid("clone_uri", "must be a URL")
    if _unrestricted(caller):
        return uri
    host, _port = _host_and_port(uri)
    if not settings.remote_allow_private and _plainly_local(host):
        raise _refused(host, host)
    return uri


def updated_clone_uri(caller: Caller, settings: Settings, uri: object, current: str | None):
    """update_repo's new value: the masked form that readers see, sent back unchanged,
    keeps the stored credentials."""
    if current and isinstance(uri, str) and uri != current and uri == masked_clone_uri(current):
        return current
    return validate_clone_uri(caller, settings, uri)


def cleared_limits(caller: Caller, settings: Settings, uri: str) -> TransferLimits:
    """The limits to reach ``uri`` with, once every address it leads to is allowed.

    Resolves the host name: call it with no transaction open.
    """
    base = limits(settings)
    if _unrestricted(caller):
        return base
    host, port = _host_and_port(uri)
    if settings.remote_allow_private:
        return base
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Invalid("clone_uri", f"cannot resolve host `{host}`: {exc}") from None
    addresses = sorted({str(entry[4][0]) for entry in found})
    for address in addresses:
        if not is_public(address):
            raise _refused(host, address)
    return dataclasses.replace(base, public_only=True, **_pins(uri, host, port, addresses))


def _pins(uri: str, host: str, port: int, addresses: list[str]) -> dict:
    """Make the transfer connect to the checked addresses (see TransferLimits)."""
    if _literal(host) is not None:
        return {}
    scheme = urlsplit(uri).scheme.lower()
    bracketed = [f"[{a}]" if ":" in a else a for a in addresses]
    if scheme in ("http", "https"):
        return {"pinned": (f"{host}:{port}:{','.join(bracketed)}",)}
    if scheme == "git":
        prefix = f"{scheme}://{urlsplit(uri).netloc}/"
        return {"rewrites": ((prefix, f"git://{bracketed[0]}:{port}/"),)}
    return {"ssh_address": (host, addresses[0])}


def _host_and_port(uri: str) -> tuple[str, int]:
    try:
        parts = urlsplit(uri)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError as exc:
        raise Invalid("clone_uri", f"not a valid URL: {exc}") from None
    if scheme not in DEFAULT_PORTS:
        raise Invalid("clone_uri", "only http(s), ssh and git URLs are allowed")
    if not host:
        raise Invalid("clone_uri", "the URL names no host")
    return host, port or DEFAULT_PORTS[scheme]


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


def _plainly_local(host: str) -> bool:
    literal = _literal(host)
    if literal is not None:
        return not is_public(literal)
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def _refused(host: str, address: str) -> Invalid:
    where = host if host == address else f"{host} ({address})"
    return Invalid(
        "clone_uri",
        f"{where} is a local or private network address; cloning from it is not allowed",
    )
