"""Who is asking: authenticate a token and check the user's state and IP whitelist."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, cast, null, or_, select, union_all
from sqlalchemy.orm import Session

from vcshub.auth.errors import BadTokenRole, InactiveUser, InvalidToken, IpNotAllowed
from vcshub.auth.ip_whitelist import is_allowed
from vcshub.auth.tokens import token_digest
from vcshub.db.models import AuthToken, User, UserIpAddress
from vcshub.permissions.effective import DEFAULT_USERNAME


MAX_TOKEN_LENGTH = 255  # the width of the token columns

# The user whose main token or one of whose auth tokens (with its role) has the digest, in one
# query: this runs on every API call. Both branches look up a unique index. Built once: making
# the statement cost as much as running it.
_OWNERS = union_all(
    select(User.user_id.label("owner_id"), cast(null(), AuthToken.role.type).label("role"))
    .where(User.api_key_hash == bindparam("digest")),
    select(AuthToken.user_id.label("owner_id"), AuthToken.role.label("role"))
    .where(AuthToken.token_hash == bindparam("digest"))
    .where(or_(AuthToken.expires == -1, AuthToken.expires > bindparam("now"))),
).subquery()
_TOKEN_OWNER = select(User, _OWNERS.c.role).join(_OWNERS, _OWNERS.c.owner_id == User.user_id).limit(1)


# A user's whitelist, and with the default user's (a sub-select rather than a query for the
# default user's id: this runs on every call).
_OWN_IPS = select(UserIpAddress.ip_addr).where(UserIpAddress.user_id == bindparam("user_id"))
_IPS_WITH_DEFAULT = select(UserIpAddress.ip_addr).where(or_(
    UserIpAddress.user_id == bindparam("user_id"),
    UserIpAddress.user_id.in_(
        select(User.user_id).where(User.username == DEFAULT_USERNAME).scalar_subquery()
    ),
))


def find_token_owner(db: Session, token: str, now: float) -> tuple[User, str | None]:
    """The user owning ``token`` and the token's role (None for the main token).

    Expired and unknown tokens are indistinguishable, and the ``default`` user never
    authenticates.
    """
    # Tokens are short printable strings; anything else cannot match, and PostgreSQL would
    # refuse to even compare a text holding NUL.
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
        raise InvalidToken()
    # Looked up by digest: equal digests are the only match, so comparing them leaks nothing
    # usable about a stored token.
    digest = token_digest(token)
    row = db.execute(_TOKEN_OWNER, {"digest": digest, "now": now}).first()
    if row is None:
        raise InvalidToken()
    user, role = row
    if user.username == DEFAULT_USERNAME:
        raise InvalidToken()
    return user, role


def allowed_ips(db: Session, user: User) -> list[str]:
    """The user's whitelist, plus the default user's when he inherits default permissions."""
    statement = _IPS_WITH_DEFAULT if user.inherit_default_permissions else _OWN_IPS
    return list(db.scalars(statement, {"user_id": user.user_id}))


def check_user_access(db: Session, user: User, client_ip: str) -> None:
    """Active user coming from an allowed address, or raise."""
    if not user.active:
        raise InactiveUser()
    if not is_allowed(client_ip, allowed_ips(db, user)):
        raise IpNotAllowed(client_ip)


def check_role(role: str | None, allowed: Collection[str]) -> None:
    if role is not None and role not in allowed:
        raise BadTokenRole()
