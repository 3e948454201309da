"""Authentication tokens: generation, storage form, roles and what each role opens.

A token is stored only as its SHA-256 digest (plus a short prefix to recognise it by): the
tokens are 160 random bits, so a plain fast hash is enough to make a stolen database useless
for logging in, and lookups stay a single indexed equality on the digest.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
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


PREFIX_LENGTH = 8  # 32 of the 160 bits: enough to tell tokens apart, useless for guessing


def generate_token() -> str:
    """A 40-character hex token, the format RhodeCode clients expect."""
    return secrets.token_hex(20)


def token_digest(token: str) -> str:
    """The stored form of a token (64 hex characters)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_prefix(token: str) -> str:
    return token[:PREFIX_LENGTH]


def shown_token(prefix: str, revealed: str | None = None) -> str:
    """What the API shows for a stored token: the clear token only in the answer to the call
    that created it (``revealed``), afterwards only its prefix and an ellipsis."""
    return revealed or f"{prefix}\u2026"


@dataclass(frozen=True)
class IssuedToken:
    clear: str
    digest: str
    prefix: str


def issue_token() -> IssuedToken:
    clear = generate_token()
    return IssuedToken(clear, token_digest(clear), token_prefix(clear))
