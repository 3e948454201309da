"""Commenting on pull requests and commits, with optional review votes (4.6, 4.7)."""

from __future__ import annotations

from dataclasses import dataclass

from vcshub import vcs
from vcshub.db.models import Comment, PullRequest
from vcshub.permissions.caller import Caller
from vcshub.services import access, pull_requests, repo_disk, reviews
from vcshub.services.errors import CommentFailed, NotFound, ReviewError, ReviewProblem
from vcshub.services.pull_requests import can_vote
from vcshub.services.unit_of_work import UnitOfWork


@dataclass
class CommentOptions:
    """vcshub extensions (RhodeCode 4.x+ arguments): inline position, type, resolution."""

    comment_type: str = "note"
    f_path: str | None = None
    line_no: str | None = None
    resolves_comment_id: int | None = None


def comment_pull_request(
    uow: UnitOfWork,
    caller: Caller,
    repoid: object,
    pull_request_id: object,
    message: object = None,
    status: object = None,
    userid: object = None,
    options: CommentOptions | None = None,
) -> tuple[PullRequest, Comment]:
    """A comment by the caller (or the user he may act as); the vote is applied only if that user
    may vote, silently ignored otherwise (4.6)."""
    repo = pull_requests.readable_repo(uow, caller, repoid)
    actor = pull_requests.acting_caller(uow, caller, repo, userid)
    pr = pull_requests.in_repo(uow, repo, pull_request_id)
    return pr, _comment_on(uow, actor, repoid, pr, message, status, options)


def _comment_on(
    uow: UnitOfWork,
    actor: Caller,
    repoid: object,
    pr: PullRequest,
    message: object,
    status: object,
    options: CommentOptions | None,
) -> Comment:
    if not access.can_repo(actor, pr.target_repo, "repository.read"):
        raise NotFound("repository", repoid)
    if not message and not status:
        raise ReviewError(ReviewProblem.COMMENT_EMPTY)
    if status is not None and status not in reviews.STATUSES:
        raise ReviewError(ReviewProblem.BAD_STATUS, status=status)
    applies = status is not None and can_vote(actor, pr)  # closed or not (4.6)
    if not message and not applies:
        raise ReviewError(ReviewProblem.COMMENT_EMPTY)
    text = message or f"Status change > {reviews.STATUS_LABELS[status]}"
    options = options or CommentOptions()
    comment = reviews.add_comment(
        uow, pr.target_repo, actor.user, str(text), pull_request=pr,
        comment_type=options.comment_type, f_path=options.f_path, line_no=options.line_no,
        resolves_comment_id=options.resolves_comment_id,
    )
    if applies:
        reviews.vote(uow, pr.target_repo, actor.user, status, pull_request=pr, comment=comment)
    return comment


def close_pull_request(
    uow: UnitOfWork,
    caller: Caller,
    repoid: object,
    pull_request_id: object,
    userid: object = None,
    message: object = "",
    status: object = None,
) -> tuple[PullRequest, Comment | None]:
    """Close the pull request; RC-later's ``message`` or ``status`` adds a closing comment."""
    repo = pull_requests.readable_repo(uow, caller, repoid)
    actor = pull_requests.acting_caller(uow, caller, repo, userid)
    pr = pull_requests.close(uow, actor, pull_requests.in_repo(uow, repo, pull_request_id), pull_request_id)
    if not (message or status):
        return pr, None
    return pr, _comment_on(uow, actor, repoid, pr, message, status, None)


def comment_commit(
    uow: UnitOfWork,
    caller: Caller,
    repoid: object,
    commit_id: object,
    message: object,
    status: object = None,
    userid: object = None,
    options: CommentOptions | None = None,
) -> tuple[Comment, str, str]:
    """Comment on a commit (resolved to its full id) as the caller or the user he may act as,
    optionally voting on it. Returns the comment, the full commit id and the repository's name."""
    # The repository first: a private one must not be told apart from a missing one (1.8).
    repo = access.repo(uow, caller, repoid, "repository.read")
    actor = pull_requests.acting_caller(uow, caller, repo, userid)
    if actor is not caller and not access.can_repo(actor, repo, "repository.read"):
        raise NotFound("repository", repoid)
    if status is not None and status not in reviews.STATUSES:
        raise ReviewError(ReviewProblem.BAD_COMMIT_STATUS, status=status)
    try:
        commit = repo_disk.open_vcs(uow, repo).get_commit(str(commit_id))
    except vcs.VCSError as exc:
        raise CommentFailed(repo.repo_name, f"unknown commit {commit_id}") from exc
    if status is not None and reviews.closed_pull_request_with(uow, repo, commit.raw_id):
        raise ReviewError(ReviewProblem.CLOSED_PR_STATUS)
    if not isinstance(message, str) or not message.strip():
        raise CommentFailed(repo.repo_name, "empty comment")
    options = options or CommentOptions()
    comment = reviews.add_comment(
        uow, repo, actor.user, message, commit_id=commit.raw_id,
        comment_type=options.comment_type, f_path=options.f_path, line_no=options.line_no,
        resolves_comment_id=options.resolves_comment_id,
    )
    if status is not None:
        reviews.vote(uow, repo, actor.user, status, commit_id=commit.raw_id, comment=comment)
    return comment, commit.raw_id, repo.repo_name
