"""Users: create, read, update and delete accounts (REFERENCE.md 4.2)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from sqlalchemy import bindparam, exists, func, inspect, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from vcshub.auth.passwords import hash_password, verify_password
from vcshub.auth.token_seal import required_seal
from vcshub.auth.tokens import TokenRole, issue_token
from vcshub.db.models import (
    AuthToken,
    Gist,
    RepoGroup,
    Repository,
    User,
    UserEmail,
    UserGroup,
    UserIpAddress,
)
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import gist_store, lookup
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    DefaultUserProtected,
    Invalid,
    NotYourUser,
)
from vcshub.services.names import validate_username
from vcshub.services.unit_of_work import UnitOfWork

INTERNAL = "rhodecode"
TEXT_LIMIT = 255  # width of the users table's text columns
UPDATABLE = frozenset(
    {"username", "email", "password", "firstname", "lastname", "active", "admin",
     "extern_type", "extern_name", "force_password_change"}
)


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise AccessDenied()


def target_user(uow: UnitOfWork, caller: Caller, userid: object = None) -> User:
    """The user a self-or-admin method acts on (``userid`` absent or null = the caller).

    A non-super-admin may only name himself, and only by his numeric id (RC4's rule).
    """
    if userid is None:
        return caller.user
    if not caller.is_admin:
        is_own_id = (
            isinstance(userid, int) and not isinstance(userid, bool) and userid == caller.user_id
        )
        if not is_own_id:
            raise NotYourUser()
    return lookup.user(uow.db, userid)


def email_taken(uow: UnitOfWork, email: str, except_user_id: int | None = None) -> bool:
    email = email.lower()
    main = select(User.user_id).where(func.lower(User.email) == email)
    extra = select(UserEmail.user_id).where(func.lower(UserEmail.email) == email)
    if except_user_id is not None:
        main = main.where(User.user_id != except_user_id)
        extra = extra.where(UserEmail.user_id != except_user_id)
    return uow.db.scalar(select(or_(exists(main), exists(extra))))


def validate_text(field: str, value: object, limit: int | None = TEXT_LIMIT) -> str | None:
    """Names and extern values are text (or null) that fits its column; a password is text.

    Checked here rather than left to the database so that both backends answer alike (SQLite
    would store a number or a long string that PostgreSQL refuses).
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(field, "must be text")
    if limit is not None and len(value) > limit:
        raise Invalid(field, f"must be at most {limit} characters")
    return value


def validate_email(email: object) -> str:
    if not isinstance(email, str) or "@" not in email or len(email) > 255 or " " in email.strip():
        raise Invalid("email", "An email address must contain a single @")
    return email.strip().lower()


def create_user(
    uow: UnitOfWork,
    caller: Caller | None,
    *,
    username: str,
    email: str,
    password: str | None = "",
    firstname: str | None = "",
    lastname: str | None = "",
    active: bool = True,
    admin: bool = False,
    extern_name: str | None = INTERNAL,
    extern_type: str | None = INTERNAL,
    force_password_change: bool = False,
) -> User:
    """Create an account with its main token and a feed token.

    The console (``vcshub init``) passes :data:`vcshub.permissions.caller.CONSOLE`.
    An external account (``extern_name`` other than internal) gets a random password: it
    authenticates elsewhere.
    """
    require_admin(caller)
    if isinstance(username, str) and lookup.find_user_by_name_ci(uow.db, username) is not None:
        raise AlreadyExists("user", username)
    if isinstance(email, str) and email_taken(uow, email.strip()):
        raise AlreadyExists("email", email)
    validate_username(username)
    email = validate_email(email)
    validate_text("password", password, limit=None)
    for field, value in (
        ("firstname", firstname), ("lastname", lastname),
        ("extern_name", extern_name), ("extern_type", extern_type),
    ):
        validate_text(field, value)
    if extern_name and extern_name != INTERNAL:
        password = secrets.token_urlsafe(12)[:16]
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(password) if password else None,
        firstname=firstname,
        lastname=lastname,
        active=bool(active),
        admin=bool(admin),
        extern_name=extern_name or INTERNAL,
        extern_type=extern_type or INTERNAL,
        force_password_change=bool(force_password_change),
    )
    # Stored as digests (lookup) and sealed copies (shown again with secrets, REFERENCE.md 3.1).
    seal = required_seal(uow.db)
    user.set_api_key(issue_token(seal))
    user.tokens.append(
        AuthToken.issued(issue_token(seal), role=TokenRole.FEED, description="Generated feed token")
    )
    uow.db.add(user)
    uow.db.flush()
    return user


def update_user(uow: UnitOfWork, caller: Caller, userid: object, changes: Mapping) -> User:
    """Change only the fields present in ``changes`` (1.6: a present null is a value)."""
    require_admin(caller)
    user = lookup.user(uow.db, userid)
    if user.username == DEFAULT_USERNAME:
        raise DefaultUserProtected()
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise Invalid(sorted(unknown)[0], "cannot be updated")
    if "password" in changes:
        validate_text("password", changes["password"], limit=None)
    for name in ("firstname", "lastname", "extern_type", "extern_name"):
        if name in changes:
            validate_text(name, changes[name])
    # A clash is not an "already exist" error here: update_user answers every failure with
    # its generic `failed to update user` text (4.2).
    if "username" in changes and changes["username"] != user.username:
        new_name = validate_username(changes["username"])
        other = lookup.find_user_by_name_ci(uow.db, new_name)
        if other is not None and other.user_id != user.user_id:
            raise Invalid("username", f"user `{new_name}` already exists")
        user.username = new_name
    if "email" in changes:
        email = validate_email(changes["email"])
        if email_taken(uow, email, except_user_id=user.user_id):
            raise Invalid("email", f"email `{email}` already exists")
        user.email = email
    if "password" in changes:
        password = changes["password"]
        if not password:
            user.password_hash = None
        elif not verify_password(user.password_hash, password):
            user.password_hash = hash_password(password)
    for name in ("firstname", "lastname"):
        if name in changes:
            setattr(user, name, changes[name])
    for name in ("active", "admin", "force_password_change"):
        if name in changes:
            setattr(user, name, bool(changes[name]))
    if "active" in changes and not user.active:
        user.end_sessions()  # reactivating the account must not revive old browser sessions
    for name in ("extern_type", "extern_name"):
        if name in changes:
            setattr(user, name, changes[name] or INTERNAL)
    uow.db.flush()
    return user


def delete_user(uow: UnitOfWork, caller: Caller, userid: object) -> User:
    """Delete an account that owns nothing; its tokens, rows and memberships go with it."""
    require_admin(caller)
    user = lookup.user(uow.db, userid)
    if user.username == DEFAULT_USERNAME:
        raise Conflict("the default user cannot be deleted")
    for model in (Repository, RepoGroup, UserGroup):
        if uow.db.scalar(select(exists().where(model.owner_id == user.user_id))):
            raise Conflict(f"user `{user.username}` still owns {model.__tablename__}")
    # The database deletes his gists with him (RC4 does too); their folders go after commit.
    owned = uow.db.scalars(select(Gist).where(Gist.owner_id == user.user_id))
    gist_store.remove_after_commit(uow, list(owned))
    uow.db.delete(user)
    uow.db.flush()
    return user


# A user's collections, by the owner's id: the statements are built once.
_DETAILS = tuple(
    (name, select(model).where(model.user_id == bindparam("user_id")).order_by(order))
    for name, model, order in (
        ("emails", UserEmail, UserEmail.email_id),
        ("tokens", AuthToken, AuthToken.token_id),
        ("ip_addresses", UserIpAddress, UserIpAddress.ip_id),
    )
)


def with_details(uow: UnitOfWork, user: User) -> User:
    """``user`` with the collections the user object lists (e-mails, tokens, IP addresses)
    loaded. The same rows as touching each relationship would load, at half the cost of
    three lazy loads (get_user runs on every call of some scripts)."""
    unloaded = inspect(user).unloaded
    for name, statement in _DETAILS:
        if name in unloaded:
            set_committed_value(user, name, list(uow.db.scalars(statement, {"user_id": user.user_id})))
    return user


def list_users(uow: UnitOfWork, caller: Caller) -> list[User]:
    """Every account but ``default``, by username."""
    require_admin(caller)
    found = uow.db.scalars(
        select(User)
        .where(User.username != DEFAULT_USERNAME)
        # the user object lists these; load them for all users at once, not one query each
        .options(
            selectinload(User.emails), selectinload(User.tokens), selectinload(User.ip_addresses)
        )
    )
    # Sorted here, not by ORDER BY: the database's collation (case-insensitive on many
    # PostgreSQL installations) would make the order depend on the backend.
    return sorted(found, key=lambda user: user.username)
