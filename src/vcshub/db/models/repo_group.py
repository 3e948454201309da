"""Repository groups: a tree of folders, each row holding its full path."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow
from vcshub.db.models.user import User


class RepoGroup(Base):
    __tablename__ = "repo_groups"

    group_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_name: Mapped[str] = mapped_column(String(1024), unique=True)  # full path
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("repo_groups.group_id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    enable_locking: Mapped[bool] = mapped_column(Boolean, default=False)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    owner: Mapped[User] = relationship()
    parent: Mapped[RepoGroup | None] = relationship(remote_side=[group_id])
    repositories: Mapped[list[Repository]] = relationship(  # noqa: F821 - resolved by name
        "Repository", viewonly=True, order_by="Repository.repo_name"
    )

    @property
    def short_name(self) -> str:
        return self.group_name.rsplit("/", 1)[-1]

    @property
    def parent_path(self) -> str | None:
        return self.group_name.rsplit("/", 1)[0] if "/" in self.group_name else None
