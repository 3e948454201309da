"""One pull request as its page shows it (``/<repo>/pull-request/<id>``): the header, the
reviewers with their newest votes and the computed review status, the commits and diff (the
comparison of the target ref with the source ref), the comments, and what the viewer may do.

Visibility is the lists' rule (services/pull_request_lists.py): the target *and* the source
repository must be readable; otherwise the pull request does not exist for the viewer, as a
missing one. Whether it can be merged and why not is the merge service's dry run, never
recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from vcshub import vcs
from vcshub.db.models import Comment, PullRequest, Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, pr_merge, pull_requests, repo_contents, reviews, vcs_access
from vcshub.services.errors import NotFound
from vcshub.services.pr_refs import Ref
from vcshub.services.repo_contents.commit_comments import CommentRecord, records_of
from vcshub.services.repo_contents.records import Comparison
from vcshub.services.unit_of_work import UnitOfWork

READ = "repository.read"


@dataclass(frozen=True)
class ReviewerRow:
    username: str
    reasons: tuple[str, ...]
    vote: str  # reviews.STATUSES; not_reviewed when he has not voted


@dataclass(frozen=True)
class VersionRow:
    """One state the pull request had: 1 the first, the last the current one."""

    number: int
    source: Ref
    target: Ref
    commits: int
    current: bool


@dataclass(frozen=True)
class Shown:
    """Which diff the page shows (RhodeCode's ``?from_version=&version=``): one version's
    changes against its target, or with ``from_version`` what changed between two versions."""

    version: int
    from_version: int | None = None


@dataclass(frozen=True)
class PullRequestView:
    pr: PullRequest
    state: str  # open, closed or merged (the lists' states)
    source: Ref
    target: Ref
    reviewers: list[ReviewerRow]
    review_status: str
    comments: list[CommentRecord]
    outdated: frozenset[int]  # comments made on an older version (before Update commits)
    comparison: Comparison | None  # None once the refs are gone (a merged, deleted branch)
    versions: list[VersionRow]  # every version, oldest first (the current one last)
    may_merge: bool  # write on the target: the merge button
    may_update: bool  # the author or a writer: close, update commits
    mergeable: dict  # pr_merge.mergeable: {"status": bool, "message": str}
    refusals: list[str]  # pr_merge.refusals: what the review rules hold against merging
    shown: Shown
    placeable: frozenset[int]  # comments made on the shown version: placed on its lines


def state_of(pr: PullRequest) -> str:
    if pr.merge_commit_id is not None:
        return "merged"
    return "closed" if pr.status == "closed" else "open"


def visible(uow: UnitOfWork, viewer: User | None, repo: Repository, ident: object) -> PullRequest:
    """The pull request ``ident`` targeting ``repo`` (already readable), if ``viewer`` may
    read its source too; NotFound otherwise, exactly as for a missing one."""
    caller = _caller(uow, viewer, repo)
    access.require_repo(caller, repo, READ)
    pr = pull_requests.in_repo(uow, repo, ident)
    if not access.can_repo(caller, pr.source_repo, READ):
        raise NotFound("pull request", ident)
    return pr


def _caller(uow: UnitOfWork, viewer: User | None, repo: Repository) -> Caller:
    subject = viewer or vcs_access.anonymous_user(uow)
    if subject is None:
        raise NotFound("repository", repo.repo_name)
    return Caller(uow.db, subject)


def _version_number(value: object, count: int, default: int | None) -> int | None:
    """A version as the query gives it (``3``, ``v3``, or absent); NotFound for one that is
    not there."""
    if value is None or value == "":
        return default
    text = str(value).strip().removeprefix("v")
    if not text.isdigit() or not 1 <= int(text) <= count:
        raise NotFound("pull request version", value)
    return int(text)


def review_page(uow: UnitOfWork, viewer: User | None, repo: Repository, ident: object,
                *, ignore_whitespace: bool = False, version: object = None,
                from_version: object = None) -> PullRequestView:
    pr = visible(uow, viewer, repo, ident)
    caller = _caller(uow, viewer, repo)
    votes = reviews.latest_votes(uow, pr)
    rows = [ReviewerRow(r.user.username, tuple(r.reasons or ()),
                        votes.get(r.user_id, "not_reviewed"))
            for r in sorted(pr.reviewers, key=lambda r: r.user.username)]
    source, target = Ref.parse_stored(pr.source_ref), Ref.parse_stored(pr.target_ref)
    signed_in = viewer is not None
    versions = _versions(pr, source, target)
    shown = Shown(_version_number(version, len(versions), len(versions)),
                  _version_number(from_version, len(versions), None))
    if shown.from_version == shown.version:
        shown = Shown(shown.version)
    comments, on_version = _comments(uow, pr)
    shown_id = None if shown.version == len(versions) else pr.versions[shown.version - 1].version_id
    return PullRequestView(
        pr=pr, state=state_of(pr), source=source, target=target, reviewers=rows,
        review_status=reviews.review_status([row.vote for row in rows]),
        comments=comments,
        outdated=frozenset(cid for cid, vid in on_version.items() if vid is not None),
        comparison=_shown_comparison(uow, viewer, pr, versions, shown, ignore_whitespace),
        versions=versions,
        may_merge=signed_in and pull_requests.can_merge(caller, pr),
        may_update=signed_in and pull_requests.can_update(caller, pr),
        mergeable=pr_merge.mergeable(uow, pr) if pr.status != "closed" else
        {"status": False, "message": "This pull request is closed."},
        refusals=pr_merge.refusals(uow, pr) if pr.status != "closed" else [],
        shown=shown,
        placeable=frozenset() if shown.from_version is not None else
        frozenset(cid for cid, vid in on_version.items() if vid == shown_id),
    )


def _versions(pr: PullRequest, source: Ref, target: Ref) -> list[VersionRow]:
    """The versions Update commits kept, then today's."""
    rows = [VersionRow(n, Ref.parse_stored(v.source_ref), Ref.parse_stored(v.target_ref),
                       len(v.revisions or ()), False)
            for n, v in enumerate(pr.versions, 1)]
    return [*rows, VersionRow(len(rows) + 1, source, target, len(pr.revisions or ()), True)]


def _shown_comparison(uow: UnitOfWork, viewer: User | None, pr: PullRequest,
                      versions: list[VersionRow], shown: Shown,
                      ignore_whitespace: bool) -> Comparison | None:
    """What the shown version's source brings to its target, at the commits it recorded; or,
    between two versions, what the later source has that the earlier had not (both are
    commits of the source repository)."""
    head = versions[shown.version - 1]
    try:
        if shown.from_version is not None:
            base = versions[shown.from_version - 1]
            return repo_contents.compare(uow, pr.source_repo, base.source.commit_id,
                                         head.source.commit_id, viewer=viewer,
                                         ignore_whitespace=ignore_whitespace)
        other = None if pr.source_repo_id == pr.target_repo_id else pr.source_repo.repo_name
        return repo_contents.compare(uow, pr.target_repo, head.target.commit_id,
                                     head.source.commit_id, other, viewer=viewer,
                                     ignore_whitespace=ignore_whitespace)
    except vcs.CommitNotFound:  # a commit stripped since: the page still shows the rest
        return None


def _comments(uow: UnitOfWork, pr: PullRequest) -> tuple[list[CommentRecord], dict[int, int | None]]:
    """The records, and each comment's version (its row id; None: the current version)."""
    rows = list(uow.db.scalars(
        select(Comment)
        .where(Comment.pull_request_id == pr.pull_request_id)
        .options(joinedload(Comment.author))
        .order_by(Comment.created_on, Comment.comment_id)
    ))
    return records_of(uow, rows), {row.comment_id: row.pull_request_version_id for row in rows}
