"""What happened on a pull request, oldest first: its comments and its votes (Kallithea 0.7's
``get_pullrequest`` lists both). Reading only; the caller has checked read access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vcshub.db.models import Comment, PullRequest, ReviewStatus, User
from vcshub.services.unit_of_work import UnitOfWork


def comments(uow: UnitOfWork, pr: PullRequest) -> list[Comment]:
    return list(uow.db.scalars(
        select(Comment).options(selectinload(Comment.author))
        .where(Comment.pull_request_id == pr.pull_request_id).order_by(Comment.comment_id)
    ))


@dataclass(frozen=True)
class Vote:
    status: str
    created_on: dt.datetime
    username: str


def votes(uow: UnitOfWork, pr: PullRequest) -> list[Vote]:
    rows = uow.db.execute(
        select(ReviewStatus.status, ReviewStatus.created_on, User.username)
        .join(User, User.user_id == ReviewStatus.user_id)
        .where(ReviewStatus.pull_request_id == pr.pull_request_id)
        .order_by(ReviewStatus.status_id)
    )
    return [Vote(*row) for row in rows]


def commit_votes(uow: UnitOfWork, repo_id: int, commit_id: str) -> list[Vote]:
    rows = uow.db.execute(
        select(ReviewStatus.status, ReviewStatus.created_on, User.username)
        .join(User, User.user_id == ReviewStatus.user_id)
        .where(ReviewStatus.repo_id == repo_id, ReviewStatus.commit_id == commit_id)
        .order_by(ReviewStatus.status_id)
    )
    return [Vote(*row) for row in rows]
