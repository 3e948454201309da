"""Authentication tokens: generation, roles and what each role opens."""

from __future__ import annotations

import secrets
from enum import StrEnum


class TokenRole(StrEnum):
    ALL = "token_role_all"
    HTTP = "token_role_http"
    VCS = "token_role_vcs"
    API = "token_role_api"
    FEED = "token_role_feed"

    @classmethod
    def parse(cls, text: str) -> TokenRole:
        """Accept both ``api`` and ``token_role_api``."""
        value = text if text.startswith("token_role_") else f"token_role_{text}"
        return cls(value)


# What each way into the server accepts; the main token (role None) opens everything.
API_ROLES = frozenset({TokenRole.ALL, TokenRole.API})
VCS_ROLES = frozenset({TokenRole.ALL, TokenRole.VCS})
WEB_ROLES = frozenset({TokenRole.ALL, TokenRole.HTTP})
FEED_ROLES = frozenset({TokenRole.ALL, TokenRole.HTTP, TokenRole.FEED})


def generate_token() -> str:
    """A 40-character hex token, the format RhodeCode clients expect."""
    return secrets.token_hex(20)
