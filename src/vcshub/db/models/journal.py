"""The journal: who did what to which repository (pushes first; webhooks and the UI read it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vcshub.db.models.base import Base, utcnow


class JournalEntry(Base):
    __tablename__ = "journal"

    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Names are kept as text so entries outlive renamed or deleted users and repositories.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="SET NULL"), index=True
    )
    username: Mapped[str] = mapped_column(String(255))
    repo_id: Mapped[int | None] = mapped_column(
        ForeignKey("repositories.repo_id", ondelete="SET NULL"), index=True
    )
    repo_name: Mapped[str] = mapped_column(String(1024))
    action: Mapped[str] = mapped_column(String(64))
    # [{"ref": "branch:master", "old": "<id or null>", "new": "<id or null>"}, ...]
    refs: Mapped[list] = mapped_column(JSON, default=list)
    commit_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
