"""The client address as the server sees it, and users' IP whitelists."""

from __future__ import annotations

from vcshub.auth.ip_whitelist import ip_range
from vcshub.permissions.caller import Caller
from vcshub.services import users
from vcshub.services.unit_of_work import UnitOfWork


def describe_ip(uow: UnitOfWork, caller: Caller, client_ip: str, userid: object = None) -> dict:
    """`get_ip`: super-admin only, also when asking about himself."""
    users.require_admin(caller)
    user = users.target_user(uow, caller, userid)
    return {
        "server_ip_addr": client_ip,
        "user_ips": [
            {"ip_addr": entry.ip_addr, "ip_range": list(ip_range(entry.ip_addr))}
            for entry in user.ip_addresses
        ],
    }
