"""Lists of pull requests for the pages, a page at a time, newest first: a repository's (open,
closed, merged, opened by me, awaiting my review) and mine across every repository.

A pull request is listed only to whoever may read both its target and its source repository
(the source may be a private fork): the repositories the matching pull requests involve are
judged with one bulk permission computation (:func:`access.repos_allowing`, the rule of
``access.can_repo`` the API applies), and the result filters in SQL, so counts and pages agree.
A page costs a fixed number of queries whatever its length: the rows, then the comment counts,
the reviewers and their votes of all of them at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased

from vcshub.db.models import (
    Comment,
    PullRequest,
    PullRequestReviewer,
    Repository,
    ReviewStatus,
    User,
)
from vcshub.permissions.caller import Caller
from vcshub.services import access, reviews, vcs_access
from vcshub.services.errors import NotFound
from vcshub.services.pr_refs import Ref
from vcshub.services.unit_of_work import UnitOfWork

PAGE_SIZE = 20
READ = "repository.read"
# A repository's list: by state, or the viewer's own share of it.
REPO_FILTERS = ("open", "closed", "merged", "mine", "awaiting")
# My account's list: opened by me or awaiting my review ("all"), or one of the two.
MY_FILTERS = ("all", "mine", "awaiting")
# Votes after which a reviewer is done; any other (or none) leaves the pull request waiting.
_DECIDED = ("approved", "rejected")


@dataclass(slots=True)
class ListedPullRequest:
    pull_request_id: int
    title: str
    state: str  # open, closed or merged
    author: str  # username
    source_repo: str
    source_ref: Ref
    target_repo: str
    target_ref: Ref
    created_on: dt.datetime
    updated_on: dt.datetime
    comments: int = 0
    review_status: str = "under_review"  # as the API computes it (reviews.review_status)


@dataclass(frozen=True)
class PullRequestPage:
    rows: list[ListedPullRequest]
    filter: str
    page: int
    pages: int  # at least 1, even when nothing matches
    total: int


def repo_pull_requests(uow: UnitOfWork, viewer: User | None, repo: Repository,
                       filter: str = "open", page: int = 1) -> PullRequestPage:
    """Pull requests targeting ``repo``, for ``viewer`` (None: an anonymous visitor, who has
    no "mine" nor "awaiting my review")."""
    subject = viewer or vcs_access.anonymous_user(uow)
    if subject is None:
        raise NotFound("repository", repo.repo_name)
    caller = Caller(uow.db, subject)
    access.require_repo(caller, repo, READ)
    chosen = filter if filter in REPO_FILTERS else "open"
    where = [PullRequest.target_repo_id == repo.repo_id]
    if chosen in ("mine", "awaiting") and viewer is None:
        where.append(false())  # nobody is "me"
    elif chosen == "mine":
        where.append(PullRequest.author_id == viewer.user_id)
    elif chosen == "awaiting":
        where.append(_awaiting(viewer.user_id))
    else:
        where.append(_STATES[chosen])
    return _page(uow, caller, where, chosen, page)


def my_pull_requests(uow: UnitOfWork, user: User, filter: str = "all",
                     page: int = 1) -> PullRequestPage:
    """Pull requests ``user`` opened (any state) or that await his review (open ones he is a
    reviewer of and has neither approved nor rejected), in every repository he may read."""
    chosen = filter if filter in MY_FILTERS else "all"
    opened, awaiting = PullRequest.author_id == user.user_id, _awaiting(user.user_id)
    condition = {"mine": opened, "awaiting": awaiting}.get(chosen, or_(opened, awaiting))
    return _page(uow, Caller(uow.db, user), [condition], chosen, page)


_STATES = {
    "open": PullRequest.status != "closed",
    "closed": and_(PullRequest.status == "closed", PullRequest.merge_commit_id.is_(None)),
    "merged": PullRequest.merge_commit_id.is_not(None),
}


def _awaiting(user_id: int):
    """Open, ``user_id`` among its reviewers, and his newest vote neither approves nor rejects."""
    latest_vote = (
        select(ReviewStatus.status)
        .where(ReviewStatus.pull_request_id == PullRequest.pull_request_id,
               ReviewStatus.user_id == user_id)
        .order_by(ReviewStatus.status_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    reviewing = select(PullRequestReviewer.pull_request_id).where(
        PullRequestReviewer.user_id == user_id)
    return and_(
        PullRequest.status != "closed",
        PullRequest.pull_request_id.in_(reviewing),
        or_(latest_vote.is_(None), latest_vote.not_in(_DECIDED)),
    )


def _visible(uow: UnitOfWork, caller: Caller, where: list) -> list:
    """Conditions keeping the pull requests whose two repositories the caller may read."""
    if caller.is_admin:
        return []
    pairs = uow.db.execute(
        select(PullRequest.source_repo_id, PullRequest.target_repo_id).distinct().where(*where)
    ).all()
    involved = {repo_id for pair in pairs for repo_id in pair}
    readable = sorted(access.repos_allowing(caller, involved, READ))
    return [PullRequest.source_repo_id.in_(readable), PullRequest.target_repo_id.in_(readable)]


def _page(uow: UnitOfWork, caller: Caller, where: list, chosen: str, page: int) -> PullRequestPage:
    where = [*where, *_visible(uow, caller, where)]
    total = uow.db.scalar(select(func.count()).select_from(PullRequest).where(*where))
    pages = max(1, -(-total // PAGE_SIZE))
    source, target = aliased(Repository), aliased(Repository)
    query = (
        select(PullRequest.pull_request_id, PullRequest.title, PullRequest.status,
               PullRequest.merge_commit_id, User.username, source.repo_name,
               PullRequest.source_ref, target.repo_name, PullRequest.target_ref,
               PullRequest.created_on, PullRequest.updated_on)
        .join(User, User.user_id == PullRequest.author_id)
        .join(source, source.repo_id == PullRequest.source_repo_id)
        .join(target, target.repo_id == PullRequest.target_repo_id)
        .where(*where)
        .order_by(PullRequest.pull_request_id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        ListedPullRequest(
            pull_request_id=prid, title=title,
            state="merged" if merged else ("closed" if status == "closed" else "open"),
            author=author, source_repo=source_name, source_ref=Ref.parse_stored(source_ref),
            target_repo=target_name, target_ref=Ref.parse_stored(target_ref),
            created_on=created, updated_on=updated,
        )
        for (prid, title, status, merged, author, source_name, source_ref, target_name,
             target_ref, created, updated) in uow.db.execute(query)
    ]
    _attach_reviews(uow, rows)
    return PullRequestPage(rows, chosen, page, pages, total)


def _attach_reviews(uow: UnitOfWork, rows: list[ListedPullRequest]) -> None:
    """Comment counts and review statuses of the page's pull requests, three queries for all."""
    by_id = {row.pull_request_id: row for row in rows}
    if not by_id:
        return
    ids = list(by_id)
    counts = uow.db.execute(
        select(Comment.pull_request_id, func.count())
        .where(Comment.pull_request_id.in_(ids)).group_by(Comment.pull_request_id)
    )
    for prid, count in counts:
        by_id[prid].comments = count
    reviewers: dict[int, list[int]] = {}
    for prid, user_id in uow.db.execute(
        select(PullRequestReviewer.pull_request_id, PullRequestReviewer.user_id)
        .where(PullRequestReviewer.pull_request_id.in_(ids))
        .order_by(PullRequestReviewer.reviewer_id)
    ):
        reviewers.setdefault(prid, []).append(user_id)
    votes: dict[tuple[int, int], str] = {}  # the newest vote wins, as in reviews.latest_votes
    for prid, user_id, status in uow.db.execute(
        select(ReviewStatus.pull_request_id, ReviewStatus.user_id, ReviewStatus.status)
        .where(ReviewStatus.pull_request_id.in_(ids)).order_by(ReviewStatus.status_id)
    ):
        votes[prid, user_id] = status
    for prid, row in by_id.items():
        row.review_status = reviews.review_status(
            [votes.get((prid, uid), "not_reviewed") for uid in reviewers.get(prid, [])])
