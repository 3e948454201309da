"""Authentication tokens: generation, storage form, roles and what each role opens.

A token is looked up only by its SHA-256 digest: the tokens are 160 random bits, so a plain
fast hash is enough to make a stolen database useless for logging in, and lookups stay a
single indexed equality on the digest. Beside it are a short prefix to recognise it by and a
sealed copy (auth/token_seal.py) that only the instance's secret key opens, for the API
answers that show the real token (REFERENCE.md 3.1).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from vcshub.auth.token_seal import TokenSeal


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


def shown_token(
    seal: TokenSeal | None,
    prefix: str,
    digest: str,
    sealed: str | None,
    revealed: str | None = None,
) -> str:
    """What a "with secrets" answer shows for a stored token: the token itself (``revealed`` on
    the object that issued it, else its sealed copy opened), or only its prefix and an
    ellipsis when the sealed copy cannot be opened (the secret key was changed or is missing)."""
    clear = revealed or (seal.open(sealed, digest) if seal is not None else None)
    return clear or f"{prefix}\u2026"


@dataclass(frozen=True)
class IssuedToken:
    clear: str
    digest: str
    prefix: str
    sealed: str


def issue_token(seal: TokenSeal) -> IssuedToken:
    clear = generate_token()
    digest = token_digest(clear)
    return IssuedToken(clear, digest, token_prefix(clear), seal.seal(clear, digest))
