"""IP whitelists: single addresses or CIDR networks, IPv4 or IPv6."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from vcshub.auth.errors import InvalidIpEntry


def parse_entry(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError as exc:
        raise InvalidIpEntry(f"invalid IP address or network: {entry!r}") from exc


def ip_range(entry: str) -> tuple[str, str]:
    """First and last address of an entry, as `get_ip` reports them."""
    network = parse_entry(entry)
    return str(network[0]), str(network[-1])


def is_allowed(client_ip: str, entries: Iterable[str]) -> bool:
    """An empty whitelist allows everybody.

    A stored entry that does not parse matches nobody, but still makes the whitelist non-empty:
    a typo must not open the account to every address.
    """
    entries = list(entries)
    if not entries:
        return True
    networks = []
    for entry in entries:
        try:
            networks.append(parse_entry(entry))
        except InvalidIpEntry:
            continue
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address.version == n.version and address in n for n in networks)
