"""Commenting on pull requests and commits, with optional review votes (4.6, 4.7), and
editing or deleting a comment afterwards (RC-later's ``edit_comment``; the pages' delete).

Nobody comments anonymously: RhodeCode's comment views are for signed-in users only, so the
``default`` user is refused here even where the repository is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from vcshub import vcs
from vcshub.db.models import Comment, CommentVersion, PullRequest, Repository, ReviewStatus
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import access, lookup, pull_requests, repo_disk, reviews
from vcshub.services.errors import (
    AccessDenied,
    CommentFailed,
    Invalid,
    NotCommentAuthor,
    NotFound,
    ReviewError,
    ReviewProblem,
    StaleComment,
)
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
    _require_signed_in(actor)
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
    _require_signed_in(actor)
    if status is not None and status not in reviews.STATUSES:
        raise ReviewError(ReviewProblem.BAD_COMMIT_STATUS, status=status)
    try:
        commit = repo_disk.open_vcs(uow, repo).get_commit(str(commit_id))
    except vcs.VCSError as exc:
        raise CommentFailed(repo.repo_name, f"there is no commit `{commit_id}`") from exc
    if status is not None and reviews.closed_pull_request_with(uow, repo, commit.raw_id):
        raise ReviewError(ReviewProblem.CLOSED_PR_STATUS)
    if not isinstance(message, str) or not message.strip():
        raise CommentFailed(repo.repo_name, "a comment needs some text")
    options = options or CommentOptions()
    comment = reviews.add_comment(
        uow, repo, actor.user, message, commit_id=commit.raw_id,
        comment_type=options.comment_type, f_path=options.f_path, line_no=options.line_no,
        resolves_comment_id=options.resolves_comment_id,
    )
    if status is not None:
        reviews.vote(uow, repo, actor.user, status, commit_id=commit.raw_id, comment=comment)
    return comment, commit.raw_id, repo.repo_name


def _require_signed_in(actor: Caller) -> None:
    if actor.username == DEFAULT_USERNAME:
        raise AccessDenied()


@dataclass(frozen=True)
class Place:
    """Where a page expects the comment it changes: its repository, and the commit or the pull
    request it shows. A comment elsewhere does not exist from there, so an id typed into
    another page's URL never reaches it."""

    repo_id: int
    commit_id: str | None = None
    pull_request_id: int | None = None

    def holds(self, comment: Comment) -> bool:
        return comment.repo_id == self.repo_id and (
            self.commit_id is None or comment.commit_id == self.commit_id
        ) and (self.pull_request_id is None or comment.pull_request_id == self.pull_request_id)


def may_change(caller: Caller, comment: Comment, repo: Repository) -> bool:
    """RhodeCode's rule for editing and deleting: the author, a super-admin, or an
    administrator of the comment's repository (``repo``); never the anonymous user."""
    if caller.username == DEFAULT_USERNAME:
        return False
    return (comment.user_id == caller.user_id or caller.is_admin
            or access.can_repo(caller, repo, "repository.admin"))


def changeable_ids(caller: Caller | None, repo: Repository,
                   authors: dict[int, int]) -> frozenset[int]:
    """Of the comments ``authors`` (comment id → author's user id) in ``repo``, those the
    caller may edit and delete: what a page offers buttons for (:func:`may_change`'s rule,
    for a whole thread at once)."""
    if caller is None or caller.username == DEFAULT_USERNAME:
        return frozenset()
    if caller.is_admin or access.can_repo(caller, repo, "repository.admin"):
        return frozenset(authors)
    return frozenset(cid for cid, author in authors.items() if author == caller.user_id)


def _readable(uow: UnitOfWork, caller: Caller, comment_id: object,
              place: Place | None) -> Comment:
    """The comment, if the caller may read it where ``place`` expects it; NotFound
    otherwise, as for a missing one."""
    text = str(comment_id).strip()
    number = lookup.possible_id(int(text)) if text.isascii() and text.isdigit() else None
    comment = uow.db.get(Comment, number) if number is not None else None
    repo = uow.db.get(Repository, comment.repo_id) if comment is not None else None
    if (comment is None or repo is None or not access.can_repo(caller, repo, "repository.read")
            or (place is not None and not place.holds(comment))):
        raise NotFound("comment", comment_id)
    return comment


def _changeable(uow: UnitOfWork, caller: Caller, comment_id: object,
                place: Place | None) -> tuple[Comment, Repository]:
    """The comment, if the caller may read it (NotFound otherwise, as for a missing one) and
    change it (NotCommentAuthor otherwise)."""
    comment = _readable(uow, caller, comment_id, place)
    repo = uow.db.get(Repository, comment.repo_id)
    if not may_change(caller, comment, repo):
        raise NotCommentAuthor()
    return comment, repo


def edit_comment(uow: UnitOfWork, caller: Caller, comment_id: object, message: object,
                 place: Place | None = None, version: object = None,
                 userid: object = None) -> tuple[Comment, int]:
    """Replace the comment's text (its type, place and vote stay), keeping the text it had in
    its history; returns the comment and its new version. ``version`` is the version the
    editor saw (0 before any edit): an older one is refused (StaleComment) instead of
    overwriting an edit he never read. ``userid``: act as that user (super-admins and the
    repository's administrators only, as for pull requests)."""
    if userid is not None:
        found = _readable(uow, caller, comment_id, place)
        caller = pull_requests.acting_caller(uow, caller, uow.db.get(Repository, found.repo_id),
                                             userid)
    comment, _repo = _changeable(uow, caller, comment_id, place)
    current = last_version(uow, comment)
    if version is not None and (isinstance(version, bool) or str(version).strip() != str(current)):
        raise StaleComment(comment.comment_id, version)
    if not isinstance(message, str) or not message.strip():
        raise Invalid("text", "a comment needs some text")
    uow.db.add(CommentVersion(comment_id=comment.comment_id, version=current + 1,
                              text=comment.text, user_id=caller.user_id))
    comment.text = message
    uow.db.flush()
    return comment, current + 1


def last_version(uow: UnitOfWork, comment: Comment) -> int:
    """How many times the comment was edited (0: never)."""
    return uow.db.scalar(select(func.max(CommentVersion.version))
                         .where(CommentVersion.comment_id == comment.comment_id)) or 0


def history(uow: UnitOfWork, comment: Comment) -> list[CommentVersion]:
    """The texts the comment had before each edit, oldest first."""
    return list(uow.db.scalars(select(CommentVersion)
                               .where(CommentVersion.comment_id == comment.comment_id)
                               .order_by(CommentVersion.version)))


def delete_comment(uow: UnitOfWork, caller: Caller, comment_id: object,
                   place: Place | None = None) -> None:
    """Remove the comment with the vote it carried (as RhodeCode drops a comment's status
    change with it); a comment that resolved it stays, now resolving nothing, and a TODO it
    resolved is open again."""
    comment, _repo = _changeable(uow, caller, comment_id, place)
    number = comment.comment_id
    # Explicit rather than left to ON DELETE: SQLite enforces foreign keys only when asked.
    uow.db.execute(delete(ReviewStatus).where(ReviewStatus.comment_id == number))
    uow.db.execute(update(Comment).where(Comment.resolves_comment_id == number)
                   .values(resolves_comment_id=None))
    uow.db.delete(comment)
    uow.db.flush()
