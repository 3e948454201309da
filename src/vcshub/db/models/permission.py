"""Permission rows: global permissions and per-object grants to users and user groups.

Each table holds at most one permission per (object, subject) pair. Permission names are
stored as text (``repository.write``); ``vcshub.permissions.names`` validates them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from vcshub.db.models.base import Base

_USER = "users.user_id"
_USER_GROUP = "user_groups.users_group_id"
_REPO = "repositories.repo_id"
_REPO_GROUP = "repo_groups.group_id"


def _fk(target: str) -> Mapped[int]:
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), index=True)


class _Copied:
    """Where a row on a repository or a group came from when a repository group wrote it: its
    "apply to children", or the copy a new repository or group gets of its parent's rows
    (services/grants.py). None on rows granted on the object itself. Kept so that a
    permissions page can say "from group X, applied on …" instead of guessing."""

    @declared_attr
    def copied_from_group_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey(_REPO_GROUP, ondelete="SET NULL"), nullable=True)

    copied_on: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class UserGlobalPermission(Base):
    __tablename__ = "user_global_permissions"
    __table_args__ = (UniqueConstraint("user_id", "permission"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _fk(_USER)
    permission: Mapped[str] = mapped_column(String(64))


class UserGroupGlobalPermission(Base):
    __tablename__ = "user_group_global_permissions"
    __table_args__ = (UniqueConstraint("users_group_id", "permission"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    users_group_id: Mapped[int] = _fk(_USER_GROUP)
    permission: Mapped[str] = mapped_column(String(64))


class RepoUserPermission(_Copied, Base):
    __tablename__ = "repo_user_permissions"
    __table_args__ = (UniqueConstraint("repo_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo_id: Mapped[int] = _fk(_REPO)
    user_id: Mapped[int] = _fk(_USER)
    permission: Mapped[str] = mapped_column(String(64))


class RepoUserGroupPermission(_Copied, Base):
    __tablename__ = "repo_user_group_permissions"
    __table_args__ = (UniqueConstraint("repo_id", "users_group_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo_id: Mapped[int] = _fk(_REPO)
    users_group_id: Mapped[int] = _fk(_USER_GROUP)
    permission: Mapped[str] = mapped_column(String(64))


class RepoGroupUserPermission(_Copied, Base):
    __tablename__ = "repo_group_user_permissions"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = _fk(_REPO_GROUP)
    user_id: Mapped[int] = _fk(_USER)
    permission: Mapped[str] = mapped_column(String(64))


class RepoGroupUserGroupPermission(_Copied, Base):
    __tablename__ = "repo_group_user_group_permissions"
    __table_args__ = (UniqueConstraint("group_id", "users_group_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = _fk(_REPO_GROUP)
    users_group_id: Mapped[int] = _fk(_USER_GROUP)
    permission: Mapped[str] = mapped_column(String(64))


class UserGroupUserPermission(Base):
    """A user's permission on a user group (the target)."""

    __tablename__ = "user_group_user_permissions"
    __table_args__ = (UniqueConstraint("target_group_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_group_id: Mapped[int] = _fk(_USER_GROUP)
    user_id: Mapped[int] = _fk(_USER)
    permission: Mapped[str] = mapped_column(String(64))


class UserGroupUserGroupPermission(Base):
    """The members of ``source_group`` hold ``permission`` on ``target_group``."""

    __tablename__ = "user_group_user_group_permissions"
    __table_args__ = (UniqueConstraint("target_group_id", "source_group_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_group_id: Mapped[int] = _fk(_USER_GROUP)
    source_group_id: Mapped[int] = _fk(_USER_GROUP)
    permission: Mapped[str] = mapped_column(String(64))


class PermissionGeneration(Base):
    """One row whose ``value`` grows with every transaction that could change someone's
    effective permissions (db/permission_generation.py bumps it in that same transaction).

    Caches of permission maps are keyed by it, so that a process sees another's grant as soon
    as it is committed, and never keeps an answer across one.
    """

    __tablename__ = "permission_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
