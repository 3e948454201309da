"""One readiness check's outcome (services/health.py, services/shared_services.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # "ok", or what failed: never a URL, a path or a password
    seconds: float
