"""The comments stored on a commit (the API's ``comment_commit`` writes them), for the
changeset page: inline ones at their file and line, the others in the list below the diff.

``repo`` comes from :func:`.reading.readable_repo` like every read of this package, so a
commit's comments are visible exactly to those who may read the repository; pull-request
comments (which carry no commit id) never appear here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from vcshub.db.models import Comment, CommentVersion, Repository, ReviewStatus
from vcshub.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CommentRecord:
    """A comment as pages show it. ``side``/``line`` place an inline comment: ``line_no`` is
    stored as ``n12`` (line 12 of the new file) or ``o3`` (old file); both None otherwise."""

    comment_id: int
    author: str
    text: str
    comment_type: str
    created_on: dt.datetime  # aware, UTC
    f_path: str | None
    side: str | None  # "new" or "old"
    line: int | None
    author_id: int | None = None
    status: str | None = None  # the vote cast with this comment (reviews.STATUSES)
    resolves: int | None = None  # the TODO this comment resolves
    resolved_by: int | None = None  # for a TODO: the comment that resolved it
    version: int = 0  # edits so far: what an edit form sends back (comments.edit_comment)

    @property
    def inline(self) -> bool:
        return self.f_path is not None and self.line is not None

    @property
    def line_id(self) -> str | None:
        """The place as stored and posted back: ``n12`` / ``o3``."""
        return None if self.line is None else ("n" if self.side == "new" else "o") + str(self.line)


def commit_comments(uow: UnitOfWork, repo: Repository, commit_id: str) -> list[CommentRecord]:
    """The comments on the commit ``commit_id`` (a full id) of a readable repository, oldest
    first, with their authors, the votes they carried and which TODOs they resolved (two
    queries)."""
    rows = list(uow.db.scalars(
        select(Comment)
        .where(Comment.repo_id == repo.repo_id, Comment.commit_id == commit_id)
        .options(joinedload(Comment.author))
        .order_by(Comment.created_on, Comment.comment_id)
    ))
    return records_of(uow, rows)


def records_of(uow: UnitOfWork, rows: list[Comment]) -> list[CommentRecord]:
    """Comment rows (authors loaded) as records, with the votes they carried and which TODOs
    they resolved and their edit counts (two queries): for a commit's comments and a pull request's alike."""
    votes = dict(uow.db.execute(
        select(ReviewStatus.comment_id, ReviewStatus.status)
        .where(ReviewStatus.comment_id.in_([row.comment_id for row in rows]))
    ).all()) if rows else {}
    versions = dict(uow.db.execute(
        select(CommentVersion.comment_id, func.max(CommentVersion.version))
        .where(CommentVersion.comment_id.in_([row.comment_id for row in rows]))
        .group_by(CommentVersion.comment_id)
    ).all()) if rows else {}
    resolvers: dict[int, int] = {}
    for row in rows:  # the first resolution counts
        if row.resolves_comment_id is not None:
            resolvers.setdefault(row.resolves_comment_id, row.comment_id)
    return [_record(row, votes.get(row.comment_id), resolvers.get(row.comment_id),
                    versions.get(row.comment_id, 0))
            for row in rows]


def _record(row: Comment, status: str | None = None,
            resolved_by: int | None = None, version: int = 0) -> CommentRecord:
    side, line = _position(row.line_no)
    return CommentRecord(
        comment_id=row.comment_id,
        author=row.author.username,
        text=row.text,
        comment_type=row.comment_type,
        created_on=row.created_on.replace(tzinfo=dt.UTC),  # stored as naive UTC
        f_path=row.f_path or None,
        side=side,
        line=line,
        author_id=row.user_id,
        status=status,
        resolves=row.resolves_comment_id,
        resolved_by=resolved_by,
        version=version,
    )


def _position(line_no: str | None) -> tuple[str | None, int | None]:
    """``n12`` → ("new", 12), ``o3`` → ("old", 3); anything else is not a place in the diff
    (the API accepts free text there), so the comment goes to the list only."""
    if line_no and line_no[0] in "no" and line_no[1:].isdigit():
        return ("new" if line_no[0] == "n" else "old"), int(line_no[1:])
    return None, None
