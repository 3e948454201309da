"""User groups and their membership."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow
from vcshub.db.models.user import User


class UserGroup(Base):
    __tablename__ = "user_groups"

    users_group_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inherit_default_permissions: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    owner: Mapped[User] = relationship()
    members: Mapped[list[UserGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="UserGroupMember.member_id"
    )


class UserGroupMember(Base):
    __tablename__ = "user_group_members"
    __table_args__ = (UniqueConstraint("users_group_id", "user_id"),)

    member_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    users_group_id: Mapped[int] = mapped_column(
        ForeignKey("user_groups.users_group_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)

    group: Mapped[UserGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
