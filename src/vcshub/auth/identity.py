"""Who is asking: authenticate a token and check the user's state and IP whitelist."""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from sqlalchemy import bindparam, cast, exists, inspect, null, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from vcshub.auth.errors import BadTokenRole, InactiveUser, InvalidToken, IpNotAllowed
from vcshub.auth.ip_whitelist import is_allowed
from vcshub.auth.tokens import token_digest
from vcshub.db import permission_generation
from vcshub.db.models import AuthToken, User, UserIpAddress
from vcshub.permissions.effective import DEFAULT_USERNAME


MAX_TOKEN_LENGTH = 255  # the width of the token columns

_DEFAULT_ID = select(User.user_id).where(User.username == DEFAULT_USERNAME).scalar_subquery()

# A user's whitelist, and with the default user's (a sub-select rather than a query for the
# default user's id: this runs on every call).
_OWN_IPS = select(UserIpAddress.ip_addr).where(UserIpAddress.user_id == bindparam("user_id"))
_IPS_WITH_DEFAULT = select(UserIpAddress.ip_addr).where(or_(
    UserIpAddress.user_id == bindparam("user_id"), UserIpAddress.user_id.in_(_DEFAULT_ID),
))

# The user whose main token or one of whose auth tokens (with its role) has the digest, in one
# query: this runs on every API call. Both branches look up a unique index. Built once: making
# the statement cost as much as running it. Two more columns save a query each on most calls:
# whether the user or the default user has any whitelist entry (most instances have none,
# and then there is nothing to read), and the permission generation.
_OWNERS = union_all(
    select(User.user_id.label("owner_id"), cast(null(), AuthToken.role.type).label("role"))
    .where(User.api_key_hash == bindparam("digest")),
    select(AuthToken.user_id.label("owner_id"), AuthToken.role.label("role"))
    .where(AuthToken.token_hash == bindparam("digest"))
    .where(or_(AuthToken.expires == -1, AuthToken.expires > bindparam("now"))),
).subquery()
_ANY_WHITELIST = exists(
    select(UserIpAddress.ip_id).where(
        or_(UserIpAddress.user_id == User.user_id, UserIpAddress.user_id.in_(_DEFAULT_ID))
    )
)
_TOKEN_OWNER = (
    select(User, _OWNERS.c.role, _ANY_WHITELIST, permission_generation.as_column())
    .join(_OWNERS, _OWNERS.c.owner_id == User.user_id)
    .limit(1)
)


class TokenOwner(NamedTuple):
    user: User
    role: str | None  # None: the user's main token
    # [] when neither the user nor the default user has a whitelist entry (read with the
    # token); None when it must be read.
    whitelist: list[str] | None


def find_token_owner(db: Session, token: str, now: float) -> TokenOwner:
    """The user owning ``token``, the token's role, and the whitelist when it is known empty.

    Expired and unknown tokens are indistinguishable, and the ``default`` user never
    authenticates. The permission generation read along is kept for this transaction
    (db/permission_generation.py), so that the permission checks after this do not read it.
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
    user, role, any_whitelist, generation = row
    if user.username == DEFAULT_USERNAME:
        raise InvalidToken()
    permission_generation.remember(db, generation)
    if any_whitelist:
        return TokenOwner(user, role, None)
    if "ip_addresses" in inspect(user).unloaded:
        # Known empty by the same statement: the user object (get_user shows it) needs no
        # query of its own.
        set_committed_value(user, "ip_addresses", [])
    return TokenOwner(user, role, [])


def allowed_ips(db: Session, user: User) -> list[str]:
    """The user's whitelist, plus the default user's when he inherits default permissions."""
    statement = _IPS_WITH_DEFAULT if user.inherit_default_permissions else _OWN_IPS
    return list(db.scalars(statement, {"user_id": user.user_id}))


def check_user_access(
    db: Session, user: User, client_ip: str, whitelist: list[str] | None = None
) -> None:
    """Active user coming from an allowed address, or raise. ``whitelist``: the entries when
    already known (:class:`TokenOwner`), else they are read."""
    if not user.active:
        raise InactiveUser()
    if whitelist is None:
        whitelist = allowed_ips(db, user)
    if not is_allowed(client_ip, whitelist):
        raise IpNotAllowed(client_ip)


def check_role(role: str | None, allowed: Collection[str]) -> None:
    if role is not None and role not in allowed:
        raise BadTokenRole()
