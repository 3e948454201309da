"""Users' SSH public keys as text: which are accepted, and what identifies one.

Accepted: ed25519, ECDSA (the NIST curves) and RSA of at least 2048 bits, in OpenSSH's one-line
format (``ssh-ed25519 AAAA... comment``, what ``ssh-keygen`` writes to ``id_*.pub``). A key is
identified by its SHA-256 fingerprint (``SHA256:...``, as ``ssh-keygen -l`` prints it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from vcshub.auth.errors import UnusableKey  # noqa: F401 - raised here, and named by callers

ACCEPTED_ALGORITHMS = frozenset({
    "ssh-ed25519", "ssh-rsa",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
})
MIN_RSA_BITS = 2048
MAX_KEY_TEXT = 16 * 1024  # an RSA key of 16,384 bits is ~2.8 KB; anything much longer is not a key


@dataclass(frozen=True)
class PublicKey:
    algorithm: str
    fingerprint: str  # SHA256:<base64>
    comment: str
    openssh: str  # "<algorithm> <base64>", without the comment: what authorized_keys lines carry


def parse(text: str) -> PublicKey:
    """The key in ``text``, or UnusableKey."""
    if not isinstance(text, str) or not text.strip():
        raise UnusableKey("no key given")
    if len(text) > MAX_KEY_TEXT or "\x00" in text:
        raise UnusableKey("not an OpenSSH public key")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        raise UnusableKey("give exactly one public key, on one line")
    import asyncssh  # only here: sshd's key look-up (fingerprint) runs without it, faster

    try:
        key = asyncssh.import_public_key(lines[0].strip())
    except (asyncssh.KeyImportError, ValueError, TypeError) as exc:
        raise UnusableKey(f"not an OpenSSH public key ({exc})") from None
    algorithm = key.get_algorithm()
    if algorithm not in ACCEPTED_ALGORITHMS:
        raise UnusableKey(f"key type {algorithm} is not accepted (ed25519, ecdsa or rsa)")
    if algorithm == "ssh-rsa" and key.pyca_key.key_size < MIN_RSA_BITS:
        raise UnusableKey(f"an RSA key needs at least {MIN_RSA_BITS} bits")
    return from_key(key)


def fingerprint(key_base64: str) -> str | None:
    """``SHA256:...`` of a key in its base64 wire form (what sshd passes as %k), or None."""
    try:
        blob = base64.b64decode(key_base64, validate=True)
    except (binascii.Error, ValueError):
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def from_key(key) -> PublicKey:
    """What identifies an already parsed key (one a client offers the built-in server, say)."""
    blob = key.convert_to_public().export_public_key("openssh").decode().split()
    comment = key.get_comment() or ""
    return PublicKey(
        algorithm=key.get_algorithm(),
        fingerprint=key.get_fingerprint("sha256"),
        comment=comment[:255],
        openssh=f"{blob[0]} {blob[1]}",
    )
