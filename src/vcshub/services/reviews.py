"""Comments and review votes on commits and pull requests."""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import Comment, PullRequest, Repository, ReviewStatus, User
from vcshub.services import lookup
from vcshub.services.errors import ReviewError, ReviewProblem
from vcshub.services.unit_of_work import UnitOfWork

STATUSES = ("not_reviewed", "approved", "rejected", "under_review")
STATUS_LABELS = {
    "not_reviewed": "Not Reviewed",
    "approved": "Approved",
    "rejected": "Rejected",
    "under_review": "Under Review",
}
COMMENT_TYPES = ("note", "todo")


def add_comment(
    uow: UnitOfWork,
    repo: Repository,
    author: User,
    text: str,
    *,
    commit_id: str | None = None,
    pull_request: PullRequest | None = None,
    comment_type: str = "note",
    f_path: str | None = None,
    line_no: str | None = None,
    resolves_comment_id: object = None,
) -> Comment:
    if comment_type not in COMMENT_TYPES:
        raise ReviewError(ReviewProblem.BAD_COMMENT_TYPE, comment_type=comment_type)
    if resolves_comment_id is not None:
        resolves_comment_id = _resolvable_comment_id(uow, repo, pull_request, resolves_comment_id)
    comment = Comment(
        repo_id=repo.repo_id,
        user_id=author.user_id,
        commit_id=commit_id,
        pull_request_id=pull_request.pull_request_id if pull_request else None,
        text=text,
        comment_type=comment_type,
        f_path=f_path,
        line_no=line_no,
        resolves_comment_id=resolves_comment_id,
    )
    uow.db.add(comment)
    uow.db.flush()
    return comment


def vote(
    uow: UnitOfWork,
    repo: Repository,
    user: User,
    status: str,
    *,
    commit_id: str | None = None,
    pull_request: PullRequest | None = None,
    comment: Comment | None = None,
) -> ReviewStatus:
    row = ReviewStatus(
        repo_id=repo.repo_id,
        user_id=user.user_id,
        commit_id=commit_id,
        pull_request_id=pull_request.pull_request_id if pull_request else None,
        comment_id=comment.comment_id if comment else None,
        status=status,
    )
    uow.db.add(row)
    uow.db.flush()
    return row


def latest_votes(uow: UnitOfWork, pull_request: PullRequest) -> dict[int, str]:
    """user_id → that user's newest vote on the pull request."""
    rows = uow.db.execute(
        select(ReviewStatus.user_id, ReviewStatus.status)
        .where(ReviewStatus.pull_request_id == pull_request.pull_request_id)
        .order_by(ReviewStatus.status_id)
    ).all()
    return dict(rows)


def review_status(reviewer_votes: list[str]) -> str:
    """approved / rejected when every reviewer agrees, otherwise under_review (2.6 of 3.6)."""
    if reviewer_votes and all(v == "approved" for v in reviewer_votes):
        return "approved"
    if reviewer_votes and all(v == "rejected" for v in reviewer_votes):
        return "rejected"
    return "under_review"


def closed_pull_request_with(uow: UnitOfWork, repo: Repository, commit_id: str) -> bool:
    """Whether the commit belongs to a closed pull request targeting this repository."""
    rows = uow.db.scalars(
        select(PullRequest.revisions).where(
            PullRequest.target_repo_id == repo.repo_id, PullRequest.status == "closed"
        )
    )
    return any(commit_id in (revisions or []) for revisions in rows)


def _resolvable_comment_id(
    uow: UnitOfWork, repo: Repository, pull_request: PullRequest | None, ident: object
) -> int:
    """The id of a comment this one may resolve: one of the same pull request, or of the same
    repository for commit comments. A comment elsewhere does not exist from here: resolving it
    would reach into a repository the author may not see."""
    text = str(ident).strip()
    number = lookup.possible_id(int(text)) if text.isascii() and text.isdigit() else None
    found = None if isinstance(ident, bool) or number is None else uow.db.get(Comment, number)
    if found is None or found.repo_id != repo.repo_id or (
        pull_request is not None and found.pull_request_id != pull_request.pull_request_id
    ):
        raise ReviewError(ReviewProblem.BAD_RESOLVES, comment_id=ident)
    return number
