"""The authentication layer's exception tree.

::

    AuthError                 who is asking could not be established, or may not ask
     ├── InvalidToken         unknown or expired token, wrong password, the ``default`` user
     ├── InactiveUser         the account is disabled
     ├── IpNotAllowed(ip)     the user's IP whitelist does not hold the client's address
     └── BadTokenRole         the token's role does not open this door (API, VCS, feed, web)

    InvalidIpEntry(ValueError)   a whitelist entry that is no address or network (a stored
                                 one matches nobody: ip_whitelist.is_allowed)
    UnusableKey(ValueError)      text that is no accepted SSH public key (ssh_public_keys)

Each adapter says these in its own words, in one place: ``api/errors.py`` (the contract's
strings), ``web/web_auth.py`` (an :class:`~vcshub.web.errors.AuthenticationRefused` or a failed
login), ``transport/endpoint.py`` (401 to a git/hg client).
"""

from __future__ import annotations


class AuthError(Exception):
    """Base of authentication failures."""


class InvalidToken(AuthError):
    pass


class InactiveUser(AuthError):
    pass


class IpNotAllowed(AuthError):
    def __init__(self, ip: str) -> None:
        super().__init__(ip)
        self.ip = ip


class BadTokenRole(AuthError):
    pass


class InvalidIpEntry(ValueError):
    pass


class UnusableKey(ValueError):
    """Text that is no accepted public key; the message says why, for the user."""
