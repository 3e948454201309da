"""A repository's own values of site settings (RhodeCode's per-repository VCS settings)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vcshub.db.models.base import Base


class RepoSetting(Base):
    """One key of one repository; a key without a row follows the site's value."""

    __tablename__ = "repo_settings"

    repo_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.repo_id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
