"""The audit trail: who changed what, when, from where and how, with the values before and after."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vcshub.db.models.base import Base, utcnow


class AuditEntry(Base):
    """One change (or sign-in) recorded by db/audit_trail.py in the transaction that made it.

    No foreign keys: an entry outlives the user who acted and the object it names, whose name
    at the time is kept as text.
    """

    __tablename__ = "audit_log"

    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # who acted; None: the system
    username: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))  # api, web, vcs, ssh, cli, system
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. repo.edit.permissions
    object_type: Mapped[str] = mapped_column(String(32))  # user, user_group, repo, repo_group, ...
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_name: Mapped[str | None] = mapped_column(String(1024))
    # column → value; secrets are replaced by a mask, never stored
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


Index("ix_audit_log_object", AuditEntry.object_type, AuditEntry.object_id)
