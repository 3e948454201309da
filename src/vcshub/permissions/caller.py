"""The user on whose behalf a service runs, with his effective permissions."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.orm import Session

from vcshub.db.models import User
from vcshub.permissions.effective import DEFAULT_USERNAME, EffectivePermissions


class Caller:
    """An authenticated user inside one unit of work.

    Permissions are computed once per unit of work, on first use, and reused by every check;
    the full maps come from the process's cache when nothing changed since they were computed
    (permissions/effective.py).
    """

    def __init__(self, db: Session, user: User, token_role: str | None = None) -> None:
        self.user = user
        self.token_role = token_role
        self._db = db

    @property
    def user_id(self) -> int:
        return self.user.user_id

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def is_admin(self) -> bool:
        return bool(self.user.admin) and self.user.username != DEFAULT_USERNAME

    @cached_property
    def perms(self) -> EffectivePermissions:
        return EffectivePermissions(self._db, self.user)

    def forget_permissions(self) -> None:
        """Drop the maps after this unit of work changed grants. (Maps computed before a
        flush that changed permissions are dropped by themselves; this also covers changes
        not flushed yet.)"""
        self.__dict__.pop("perms", None)


class _Everything:
    """The permission maps of the console: every global permission."""

    def has_global(self, permission: str) -> bool:
        return True


class ConsoleCaller:
    """The machine's administrator at the console (``vcshub init``, CLI commands).

    He may do anything, but is no user: a service that needs one (an owner, an author) must be
    given it. Passing this object is how a trusted local boundary says so explicitly, instead of
    a ``None`` caller that any adapter could pass by mistake.
    """

    user = None
    user_id = None
    username = "console"
    token_role = None
    is_admin = True
    perms = _Everything()

    def forget_permissions(self) -> None:
        pass


CONSOLE = ConsoleCaller()
