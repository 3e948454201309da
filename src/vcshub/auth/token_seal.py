"""Sealed copies of tokens: what lets the API show a user's real token again (REFERENCE.md 3.1).

A token is looked up by its digest (auth/tokens.py), which cannot give the token back; the
contract's "user (with secrets)" answers must. So each token is also kept encrypted (AES-GCM)
under a key derived from the instance's secret key, which lives in the data directory (0600)
and never in the database: a stolen database alone still yields neither a working token nor
a way to open the sealed copies.

The sealed copy is bound to its row's digest (associated data), so a copy moved to another
row does not open there. Format: ``v1:`` + urlsafe base64 of nonce and ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from vcshub.config import Settings

VERSION = "v1:"
NONCE_LENGTH = 12
# Set by the unit of work on its session; the seal built from it is cached there too.
SETTINGS_INFO = "settings"
_SEAL_INFO = "token_seal"


def instance_secret(settings: Settings) -> str:
    """The instance's secret key: from the settings, else the file in the data directory."""
    return settings.secret_key or settings.secret_key_file.read_text().strip()


class TokenSeal:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("an empty secret key cannot seal tokens")
        # Its own key (HKDF, distinct label): the secret key also signs session cookies.
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"vcshub token seal v1"
        ).derive(secret.encode("utf-8"))
        self._aead = AESGCM(key)

    def seal(self, token: str, digest: str) -> str:
        nonce = os.urandom(NONCE_LENGTH)
        sealed = self._aead.encrypt(nonce, token.encode("utf-8", "surrogatepass"), digest.encode())
        return VERSION + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str | None, digest: str) -> str | None:
        """The token, or None when this key cannot open the copy (another secret key, another
        row's copy, damaged or missing)."""
        if not sealed or not sealed.startswith(VERSION):
            return None
        try:
            raw = base64.urlsafe_b64decode(sealed[len(VERSION):])
            clear = self._aead.decrypt(raw[:NONCE_LENGTH], raw[NONCE_LENGTH:], digest.encode())
            return clear.decode("utf-8", "surrogatepass")
        except (InvalidTag, ValueError, binascii.Error):
            return None


def seal_of(session: Session | None) -> TokenSeal | None:
    """The seal of the unit of work ``session`` belongs to; None without settings or secret
    key (a detached object, a data directory without its key)."""
    if session is None:
        return None
    seal = session.info.get(_SEAL_INFO)
    if seal is None:
        settings = session.info.get(SETTINGS_INFO)
        if settings is None:
            return None
        try:
            seal = _seals.seal_for(settings)
        except (OSError, ValueError):
            return None
        session.info[_SEAL_INFO] = seal
    return seal


class _SealCache:
    """The seals this process has derived, by where their secret comes from.

    Why: get_user shows the caller's tokens on every call of some scripts, and reading the key
    file and deriving the key (HKDF) cost as much as two of its queries. The file's identity
    and modification time are part of the key, so a key file replaced while the server runs
    (a rotated secret) is read again at the next unit of work, as before.
    """

    def __init__(self) -> None:
        self._known: dict[tuple, TokenSeal] = {}

    def seal_for(self, settings: Settings) -> TokenSeal:
        if settings.secret_key:
            source: tuple = ("setting", settings.secret_key)
        else:
            info = os.stat(settings.secret_key_file)
            source = ("file", str(settings.secret_key_file), info.st_ino, info.st_mtime_ns,
                      info.st_size)
        seal = self._known.get(source)
        if seal is None:
            seal = TokenSeal(instance_secret(settings))
            if len(self._known) >= 16:  # a process sees one or two secrets; tests see more
                self._known.clear()
            self._known[source] = seal
        return seal


_seals = _SealCache()


def required_seal(session: Session) -> TokenSeal:
    """The seal for issuing a token: without it the token could never be shown again."""
    seal = seal_of(session)
    if seal is None:
        raise RuntimeError("no secret key to seal tokens with (is the data directory prepared?)")
    return seal
