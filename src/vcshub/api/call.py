"""What an API method receives besides its arguments: the unit of work, the caller, the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vcshub.permissions.caller import Caller
from vcshub.services.unit_of_work import UnitOfWork


@dataclass
class Call:
    uow: UnitOfWork
    caller: Caller
    client_ip: str
    base_url: str
    server_address: str
    args: dict[str, Any] = field(default_factory=dict)  # coerced, only the keys sent
    registry: Any = None  # the method registry, for introspection (get_method)

    def supplied(self, *names: str) -> dict[str, Any]:
        """The subset of ``names`` the client actually sent (update methods change only those)."""
        return {name: self.args[name] for name in names if name in self.args}
