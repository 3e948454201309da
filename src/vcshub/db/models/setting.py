"""Site settings kept in the database (editable at run time, unlike config.py settings)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vcshub.db.models.base import Base


class Setting(Base):
    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
