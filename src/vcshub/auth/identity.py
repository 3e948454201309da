"""Who is asking: authenticate a token and check the user's state and IP whitelist."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vcshub.auth.errors import BadTokenRole, InactiveUser, InvalidToken, IpNotAllowed
from vcshub.auth.ip_whitelist import is_allowed
from vcshub.auth.tokens import token_digest
from vcshub.db.models import AuthToken, User, UserIpAddress
from vcshub.permissions.effective import DEFAULT_USERNAME


MAX_TOKEN_LENGTH = 255  # the width of the token columns


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
    user = db.scalar(select(User).where(User.api_key_hash == digest))
    role = None
    if user is None:
        # user and role in one query (this runs on every API call)
        row = db.execute(
            select(User, AuthToken.role)
            .join(AuthToken, AuthToken.user_id == User.user_id)
            .where(AuthToken.token_hash == digest)
            .where(or_(AuthToken.expires == -1, AuthToken.expires > now))
        ).first()
        if row is None:
            raise InvalidToken()
        user, role = row
    if user.username == DEFAULT_USERNAME:
        raise InvalidToken()
    return user, role


def allowed_ips(db: Session, user: User) -> list[str]:
    """The user's whitelist, plus the default user's when he inherits default permissions."""
    owner = UserIpAddress.user_id == user.user_id
    if user.inherit_default_permissions:
        # a sub-select rather than a query for the default user's id: this runs on every call
        default_id = select(User.user_id).where(User.username == DEFAULT_USERNAME)
        owner = or_(owner, UserIpAddress.user_id.in_(default_id.scalar_subquery()))
    return list(db.scalars(select(UserIpAddress.ip_addr).where(owner)))


def check_user_access(db: Session, user: User, client_ip: str) -> None:
    """Active user coming from an allowed address, or raise."""
    if not user.active:
        raise InactiveUser()
    if not is_allowed(client_ip, allowed_ips(db, user)):
        raise IpNotAllowed(client_ip)


def check_role(role: str | None, allowed: Collection[str]) -> None:
    if role is not None and role not in allowed:
        raise BadTokenRole()
