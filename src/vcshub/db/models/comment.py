"""Comments on commits and pull requests, and review votes (statuses)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow
from vcshub.db.models.user import User


class _OnCommitOrPullRequest:
    """Who said it, in which repository, about a commit or a pull request (one of the two)."""

    repo_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.repo_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    commit_id: Mapped[str | None] = mapped_column(String(64), index=True)
    pull_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("pull_requests.pull_request_id", ondelete="CASCADE"), index=True
    )


class Comment(_OnCommitOrPullRequest, Base):
    __tablename__ = "comments"

    comment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The pull-request version the comment was made on (None: the current one).
    pull_request_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("pull_request_versions.version_id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    comment_type: Mapped[str] = mapped_column(String(16), default="note")  # note, todo
    f_path: Mapped[str | None] = mapped_column(String(1024))
    line_no: Mapped[str | None] = mapped_column(String(32))  # e.g. n12 (new side) / o3 (old)
    resolves_comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.comment_id", ondelete="SET NULL")
    )
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()


class ReviewStatus(_OnCommitOrPullRequest, Base):
    """One vote; the newest vote of a user on a commit or pull request counts."""

    __tablename__ = "review_statuses"

    status_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.comment_id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(32))
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CommentVersion(Base):
    """One earlier text of an edited comment (RC-later's edit history): version 1 is the text
    before the first edit. ``edit_comment`` is told the version its caller saw, so two editors
    cannot overwrite each other unknowingly."""

    __tablename__ = "comment_versions"
    __table_args__ = (UniqueConstraint("comment_id", "version"),)

    comment_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.comment_id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # the text this edit replaced
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"))
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
