"""Gists: snippets stored as small Mercurial repositories outside the repository namespace."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow
from vcshub.db.models.user import User


class Gist(Base):
    __tablename__ = "gists"

    gist_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Public gists: the decimal id; private ones: a random 20-character string.
    access_id: Mapped[str] = mapped_column(String(64), unique=True)
    gist_type: Mapped[str] = mapped_column(String(16))
    acl_level: Mapped[str] = mapped_column(String(32), default="acl_public")
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    expires: Mapped[float] = mapped_column(Float, default=-1)
    lexers: Mapped[dict] = mapped_column(JSON, default=dict)  # filename → lexer alias
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    modified_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()

    def expired(self, now: float) -> bool:
        return self.expires != -1 and self.expires <= now
