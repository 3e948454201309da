"""Pull requests, their reviewers and versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow
from vcshub.db.models.repo import Repository
from vcshub.db.models.user import User


class PullRequest(Base):
    __tablename__ = "pull_requests"

    pull_request_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="new")  # new, open, closed
    source_repo_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.repo_id", ondelete="CASCADE"), index=True
    )
    source_ref: Mapped[str] = mapped_column(String(1024))  # type:name:commit_id
    target_repo_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.repo_id", ondelete="CASCADE"), index=True
    )
    target_ref: Mapped[str] = mapped_column(String(1024))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    revisions: Mapped[list] = mapped_column(JSON, default=list)  # commit ids it brings in
    merge_commit_id: Mapped[str | None] = mapped_column(String(64))
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    source_repo: Mapped[Repository] = relationship(foreign_keys=[source_repo_id])
    target_repo: Mapped[Repository] = relationship(foreign_keys=[target_repo_id])
    author: Mapped[User] = relationship()
    reviewers: Mapped[list[PullRequestReviewer]] = relationship(
        cascade="all, delete-orphan", order_by="PullRequestReviewer.reviewer_id"
    )
    versions: Mapped[list[PullRequestVersion]] = relationship(
        cascade="all, delete-orphan", order_by="PullRequestVersion.version_id"
    )


class PullRequestReviewer(Base):
    __tablename__ = "pull_request_reviewers"
    __table_args__ = (UniqueConstraint("pull_request_id", "user_id"),)

    reviewer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pull_request_id: Mapped[int] = mapped_column(
        ForeignKey("pull_requests.pull_request_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    user: Mapped[User] = relationship()


class PullRequestVersion(Base):
    """The state of a pull request before an update moved its commits."""

    __tablename__ = "pull_request_versions"

    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pull_request_id: Mapped[int] = mapped_column(
        ForeignKey("pull_requests.pull_request_id", ondelete="CASCADE"), index=True
    )
    source_ref: Mapped[str] = mapped_column(String(1024))
    target_ref: Mapped[str] = mapped_column(String(1024))
    revisions: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
