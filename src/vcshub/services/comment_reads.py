"""Reading comments for the API (RC-later's ``get_repo_comments``, ``get_comment``,
``get_pull_request_comments``): the rows a caller may see, with what the comment object
carries besides the row — its votes, the comment that resolved it, its edit count and the
pull-request version it was made on — read for a whole list at once (four queries).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from vcshub.db.models import (
    Comment,
    CommentVersion,
    PullRequest,
    PullRequestVersion,
    Repository,
    ReviewStatus,
)
from vcshub.permissions.caller import Caller
from vcshub.services import access, lookup, pull_requests
from vcshub.services.errors import NotFound, ReviewError, ReviewProblem
from vcshub.services.reviews import COMMENT_TYPES
from vcshub.services.unit_of_work import UnitOfWork

READ = "repository.read"


@dataclass
class CommentDetails:
    comment: Comment
    statuses: list[ReviewStatus] = field(default_factory=list)
    resolved_by: Comment | None = None
    last_version: int = 0  # edits so far (edit_comment's ``version``)
    pull_request_version: int | None = None  # 1-based number of an older version, else None


def details(uow: UnitOfWork, rows: list[Comment]) -> list[CommentDetails]:
    ids = [row.comment_id for row in rows]
    if not ids:
        return []
    statuses: dict[int, list[ReviewStatus]] = defaultdict(list)
    for status in uow.db.scalars(select(ReviewStatus).where(ReviewStatus.comment_id.in_(ids))
                                 .order_by(ReviewStatus.status_id)):
        statuses[status.comment_id].append(status)
    resolvers: dict[int, Comment] = {}
    for resolver in uow.db.scalars(select(Comment).options(joinedload(Comment.author))
                                   .where(Comment.resolves_comment_id.in_(ids))
                                   .order_by(Comment.comment_id)):
        resolvers.setdefault(resolver.resolves_comment_id, resolver)
    versions = dict(uow.db.execute(
        select(CommentVersion.comment_id, func.max(CommentVersion.version))
        .where(CommentVersion.comment_id.in_(ids)).group_by(CommentVersion.comment_id)).all())
    numbers = _version_numbers(uow, {row.pull_request_id for row in rows if row.pull_request_id})
    return [CommentDetails(row, statuses.get(row.comment_id, []), resolvers.get(row.comment_id),
                           versions.get(row.comment_id, 0),
                           numbers.get(row.pull_request_version_id))
            for row in rows]


def _version_numbers(uow: UnitOfWork, pr_ids: set[int]) -> dict[int, int]:
    """version row id → its number within its pull request (1 the first)."""
    numbers: dict[int, int] = {}
    seen: dict[int, int] = defaultdict(int)
    for version_id, pr_id in uow.db.execute(
            select(PullRequestVersion.version_id, PullRequestVersion.pull_request_id)
            .where(PullRequestVersion.pull_request_id.in_(pr_ids))
            .order_by(PullRequestVersion.version_id)).all():
        seen[pr_id] += 1
        numbers[version_id] = seen[pr_id]
    return numbers


def _rows(uow: UnitOfWork, *where) -> list[Comment]:
    return list(uow.db.scalars(select(Comment).options(joinedload(Comment.author)).where(*where)
                               .order_by(Comment.created_on, Comment.comment_id)))


def repo_comments(uow: UnitOfWork, caller: Caller, repoid: object, commit_id: object = None,
                  comment_type: object = None, userid: object = None) -> list[CommentDetails]:
    """The repository's comments (on commits and pull requests), optionally only those on one
    commit, of one type, or by one user."""
    repo = access.repo(uow, caller, repoid, READ)
    if comment_type and comment_type not in COMMENT_TYPES:
        raise ReviewError(ReviewProblem.COMMENT_TYPE_FILTER, comment_type=comment_type)
    where = [Comment.repo_id == repo.repo_id]
    if commit_id:
        where.append(Comment.commit_id == str(commit_id))
    if comment_type:
        where.append(Comment.comment_type == comment_type)
    if userid is not None:
        where.append(Comment.user_id == lookup.user(uow.db, userid).user_id)
    return details(uow, _rows(uow, *where))


def readable_comment(uow: UnitOfWork, caller: Caller, comment_id: object) -> Comment:
    """The comment, if the caller may read its repository (and, for a pull request's, the
    pull request's source too); NotFound otherwise, exactly as for a missing one."""
    text = str(comment_id).strip()
    number = (lookup.possible_id(int(text))
              if not isinstance(comment_id, bool) and text.isascii() and text.isdigit() else None)
    comment = uow.db.get(Comment, number) if number is not None else None
    repo = uow.db.get(Repository, comment.repo_id) if comment is not None else None
    if repo is None or not access.can_repo(caller, repo, READ):
        raise NotFound("comment", comment_id)
    if comment.pull_request_id is not None:
        pr = uow.db.get(PullRequest, comment.pull_request_id)
        if not access.can_repo(caller, pr.source_repo, READ):
            raise NotFound("comment", comment_id)
    return comment


def get_comment(uow: UnitOfWork, caller: Caller, comment_id: object) -> CommentDetails:
    return details(uow, [readable_comment(uow, caller, comment_id)])[0]


def comments_of_pull_request(uow: UnitOfWork, caller: Caller, pull_request_id: object,
                          repoid: object = None) -> list[CommentDetails]:
    """The pull request's comments, oldest first; NotFound for a pull request the caller may
    not read (target and source), or one that does not target ``repoid`` when given."""
    pr = pull_requests.find(uow, pull_request_id)
    if repoid is not None and lookup.repo(uow.db, repoid).repo_id != pr.target_repo_id:
        raise NotFound("pull request", pull_request_id)
    if not (access.can_repo(caller, pr.target_repo, READ)
            and access.can_repo(caller, pr.source_repo, READ)):
        raise NotFound("pull request", pull_request_id)
    return details(uow, _rows(uow, Comment.pull_request_id == pr.pull_request_id))
