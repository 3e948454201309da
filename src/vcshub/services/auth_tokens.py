"""Extra authentication tokens of a user: several per user, each with a role and an expiry."""

from __future__ import annotations

from sqlalchemy import select

from vcshub.auth.token_seal import required_seal
from vcshub.auth.tokens import TokenRole, issue_token
from vcshub.db.models import AuthToken, User
from vcshub.services import lookup
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork


def create_token(
    uow: UnitOfWork,
    user: User,
    role: str = TokenRole.ALL,
    lifetime_minutes: int | None = None,
    description: str = "",
) -> AuthToken:
    """Add a token; ``lifetime_minutes`` None or -1 means it never expires.

    The returned object carries the clear token (``revealed_token``); the row keeps its digest
    and a sealed copy that "with secrets" answers open again.
    """
    try:
        role = TokenRole.parse(role)
    except ValueError:
        raise Invalid("role", f"unknown token role `{role}`") from None
    if not isinstance(description, str) or len(description) > 255:
        raise Invalid("description", "must be text of at most 255 characters")
    if lifetime_minutes is not None and lifetime_minutes != -1 and lifetime_minutes <= 0:
        raise Invalid("lifetime", "must be a positive number of minutes, or -1 for never")
    expires = -1.0
    if lifetime_minutes not in (None, -1):
        expires = uow.clock() + lifetime_minutes * 60
    token = AuthToken.issued(
        issue_token(required_seal(uow.db)),
        user_id=user.user_id,
        role=role,
        description=description,
        expires=expires,
    )
    uow.db.add(token)
    uow.db.flush()
    return token


def list_tokens(uow: UnitOfWork, user: User) -> list[AuthToken]:
    """``user``'s own extra tokens, oldest first (expired ones too: the page marks them)."""
    return list(
        uow.db.scalars(
            select(AuthToken).where(AuthToken.user_id == user.user_id).order_by(AuthToken.token_id)
        )
    )


def revoke_token(uow: UnitOfWork, user: User, token_id: object) -> AuthToken:
    """Delete one of ``user``'s extra tokens. Another user's token is NotFound, exactly like a
    missing one; the main token is not an extra token and is not touched here."""
    if isinstance(token_id, str) and token_id.isdigit():  # a form's field
        token_id = int(token_id)
    number = lookup.possible_id(token_id)
    token = uow.db.get(AuthToken, number) if number is not None else None
    if token is None or token.user_id != user.user_id:
        raise NotFound("auth token", token_id)
    uow.db.delete(token)
    uow.db.flush()
    return token
