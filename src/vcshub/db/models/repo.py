"""Repositories, their extra fields and followers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow
from vcshub.db.models.repo_group import RepoGroup
from vcshub.db.models.user import User


class Repository(Base):
    __tablename__ = "repositories"

    repo_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo_name: Mapped[str] = mapped_column(String(1024), unique=True)  # full path
    repo_type: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("repo_groups.group_id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    clone_uri: Mapped[str | None] = mapped_column(String(1024))
    landing_rev: Mapped[str] = mapped_column(String(255), default="rev:tip")
    enable_statistics: Mapped[bool] = mapped_column(Boolean, default=False)
    enable_locking: Mapped[bool] = mapped_column(Boolean, default=False)
    enable_downloads: Mapped[bool] = mapped_column(Boolean, default=False)
    fork_id: Mapped[int | None] = mapped_column(ForeignKey("repositories.repo_id"), index=True)
    locked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="SET NULL")
    )
    locked_since: Mapped[float | None] = mapped_column(Float)
    lock_reason: Mapped[str | None] = mapped_column(String(32))
    changeset_cache: Mapped[dict | None] = mapped_column(JSON)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    # RhodeCode's states: created, or pending while a task clones it (nothing on disk yet),
    # or error when that task failed (repo_state_message says why; nothing on disk).
    repo_state: Mapped[str] = mapped_column(String(32), default="repo_state_created",
                                            server_default="repo_state_created")
    repo_state_message: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    locked_by: Mapped[User | None] = relationship(foreign_keys=[locked_by_id])
    group: Mapped[RepoGroup | None] = relationship()
    fork_of: Mapped[Repository | None] = relationship(remote_side=[repo_id])
    fields: Mapped[list[RepoField]] = relationship(
        cascade="all, delete-orphan", order_by="RepoField.field_id"
    )

    @property
    def short_name(self) -> str:
        return self.repo_name.rsplit("/", 1)[-1]


class RepoField(Base):
    """An extra field defined on one repository (shown as ``ex_<key>``)."""

    __tablename__ = "repo_fields"
    __table_args__ = (UniqueConstraint("repo_id", "field_key"),)

    field_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo_id: Mapped[int] = mapped_column(ForeignKey("repositories.repo_id", ondelete="CASCADE"))
    field_key: Mapped[str] = mapped_column(String(250))
    field_label: Mapped[str] = mapped_column(String(1024), default="")
    field_value: Mapped[str] = mapped_column(Text, default="")
    field_desc: Mapped[str] = mapped_column(Text, default="")


class UserFollowing(Base):
    __tablename__ = "user_followings"
    __table_args__ = (UniqueConstraint("user_id", "follows_repo_id"),)

    following_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    follows_repo_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.repo_id", ondelete="CASCADE"), index=True
    )
