"""Resolve the identifiers clients pass (REFERENCE.md 1.7) to objects, or raise NotFound.

Numbers are ids and strings are names — except users, where an all-digit string is tried as an
id first. Not-found messages echo the identifier exactly as passed.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vcshub.db.models import RepoGroup, Repository, User, UserGroup
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services.errors import Invalid, NotFound


# Ids are 32-bit integers in every database; a larger number can name nothing (and
# PostgreSQL would refuse to compare it), nor can text holding NUL, which it cannot store.
_MAX_ID = 2**31 - 1


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def possible_id(value: object) -> int | None:
    """``value`` as a possible id, or None when no row can have it."""
    return value if _is_number(value) and 0 <= value <= _MAX_ID else None


def possible_name(value: object) -> str | None:
    """``value`` as a possible name, or None when no row can have it."""
    return value if isinstance(value, str) and "\0" not in value else None


def _text(value: object) -> str:
    """The argument as passed, as text: `5` for 5, `None` for null (RC4 prints Python's repr)."""
    return str(value)


def find_user(db: Session, ident: object) -> User | None:
    if _is_number(ident):
        return db.get(User, ident) if possible_id(ident) is not None else None
    if possible_name(ident) is not None:
        if ident.isascii() and ident.isdigit() and possible_id(int(ident)) is not None:
            user = db.get(User, int(ident))
            if user is not None:
                return user
        return db.scalar(select(User).where(User.username == ident))
    return None


def user(db: Session, ident: object) -> User:
    found = find_user(db, ident)
    if found is None:
        raise NotFound("user", _text(ident))
    return found


def find_user_by_name_ci(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(func.lower(User.username) == username.lower()))


def _by_id_or_name(db: Session, model, name_column, kind: str, ident: object, name: str | None):
    """The row whose id is ``ident`` (a number) or whose name is ``name`` (``ident`` as text,
    normalised by the caller), or ``<kind> `<ident>` does not exist``."""
    found = None
    if possible_id(ident) is not None:
        found = db.get(model, ident)
    elif name is not None:
        found = db.scalar(select(model).where(name_column == name))
    if found is None:
        raise NotFound(kind, _text(ident))
    return found


def _path(ident: object) -> str | None:
    """Repository and group names are paths: ``/a/b/`` names ``a/b``."""
    name = possible_name(ident)
    return name.strip("/") if name is not None else None


def repo(db: Session, ident: object) -> Repository:
    return _by_id_or_name(db, Repository, Repository.repo_name, "repository", ident, _path(ident))


def repo_group(db: Session, ident: object) -> RepoGroup:
    return _by_id_or_name(
        db, RepoGroup, RepoGroup.group_name, "repository group", ident, _path(ident)
    )


def user_group(db: Session, ident: object) -> UserGroup:
    return _by_id_or_name(
        db, UserGroup, UserGroup.group_name, "user group", ident, possible_name(ident)
    )


def ownable(user: User) -> User:
    """The user, unless it is the anonymous ``default`` user: an owner administers what he owns,
    so owning would hand every anonymous visitor admin and push rights."""
    if user.username == DEFAULT_USERNAME:
        raise Invalid("owner", f"the anonymous `{DEFAULT_USERNAME}` user cannot own anything")
    return user


def new_owner(db: Session, ident: object) -> User:
    """The user an update names as the new owner: ``owner`` is an invalid argument (not a
    missing object) when nobody has that name, and the anonymous user cannot own."""
    owner = find_user(db, ident)
    if owner is None:
        raise Invalid("owner", f"user `{ident}` does not exist")
    return ownable(owner)
