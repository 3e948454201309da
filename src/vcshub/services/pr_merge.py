"""Merging a pull request: a real merge commit in the target repository (4.6 merge_pull_request).

A merge holds the target repository exclusively (:mod:`vcshub.coordination`: no push, no
housekeeping, no other merge meanwhile, in any process or node) from reading the target head
to moving the branch; it waits up to MERGE_WAIT for the pushes under way, and is reported as
"push to target failed" (3) when they do not end by then. Dry runs change nothing and hold
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select

from vcshub import coordination, vcs
from vcshub.db.models import Comment, PullRequest
from vcshub.permissions.caller import Caller
from vcshub.services import journal, pull_requests, repo_disk, repo_vcs_settings, reviews
from vcshub.services.errors import MergeRefused, NotFound, ReviewError, ReviewProblem
from vcshub.services.pr_refs import Ref, current_head
from vcshub.services.unit_of_work import UnitOfWork

FAILURE_REASONS = {
    vcs.MergeStatus.MERGED: 0,
    vcs.MergeStatus.ERROR: 1,
    vcs.MergeStatus.CONFLICT: 2,
    vcs.MergeStatus.TARGET_MOVED: 3,
    vcs.MergeStatus.NOT_HEAD: 4,
    vcs.MergeStatus.MULTIPLE_HEADS: 6,
    vcs.MergeStatus.MISSING_REF: 8,
}
LOCKED = 7
TARGET_BUSY = 3  # the target stayed held by pushes or housekeeping for MERGE_WAIT
MERGE_WAIT = 60.0
MERGEABLE_MESSAGES = {
    0: "This pull request can be automatically merged.",
    1: "This pull request cannot be merged because of an unhandled exception.",
    2: "This pull request cannot be merged because of conflicts.",
    3: "This pull request could not be merged because push to target failed.",
    4: "This pull request cannot be merged because the target is not a head.",
    5: "This pull request cannot be merged because the source contains more branches than the target.",
    6: "This pull request cannot be merged because the target has multiple heads.",
    7: "This pull request cannot be merged because the target repository is locked.",
    8: "This pull request cannot be merged because the target or the source reference is missing.",
}


@dataclass
class MergeReport:
    possible: bool
    executed: bool
    merge_commit_id: str | None
    failure_reason: int


def merge_message(pr: PullRequest) -> str:
    source = Ref.parse_stored(pr.source_ref)
    return (
        f"Merge pull request #{pr.pull_request_id} from {pr.source_repo.repo_name} "
        f"{source.name}\n\n {pr.title}"
    )


@dataclass(frozen=True)
class _Plan:
    """What a merge needs, read from the database beforehand: the merge itself touches only
    the disk, so it can run with no transaction open."""

    locked: bool
    target_path: Path
    target_kind: str
    target_ref: Ref
    source_path: Path
    source_commit: str
    message: str


def _plan(uow: UnitOfWork, pr: PullRequest) -> _Plan:
    target = pr.target_repo
    return _Plan(
        locked=bool(target.enable_locking and target.locked_by_id is not None),
        target_path=repo_disk.path(uow, target),
        target_kind=target.repo_type,
        target_ref=Ref.parse_stored(pr.target_ref),
        source_path=repo_disk.path(uow, pr.source_repo),
        source_commit=Ref.parse_stored(pr.source_ref).commit_id,
        message=merge_message(pr),
    )


def _attempt(plan: _Plan, author: str, dry_run: bool) -> tuple[int, str | None]:
    if plan.locked:
        return LOCKED, None
    backend = vcs.open_repository(plan.target_path, plan.target_kind)
    target_head = current_head(backend, plan.target_ref)
    if target_head is None:
        return FAILURE_REASONS[vcs.MergeStatus.MISSING_REF], None
    ref = plan.target_ref
    branch = ref.name if ref.type != "rev" else backend.default_branch
    if dry_run and plan.target_kind == "git":
        reason = _git_dry_run(str(plan.target_path), branch, target_head,
                              str(plan.source_path), plan.source_commit)
        if reason not in (0, 2):
            # Only "merges" and "conflicts" follow from the commits alone; an error or a ref
            # that moved meanwhile may pass, so it is not kept (rare: all go, this one with them).
            _git_dry_run.cache_clear()
        return reason, None
    result = backend.merge(
        plan.source_path, plan.source_commit, branch, target_head, plan.message, author,
        dry_run=dry_run,
    )
    return FAILURE_REASONS.get(result.status, 1), result.merge_commit


# A git merge's outcome depends on the two commits alone (its arguments are immutable ids),
# so the page, which asks on every view, pays for a dry run once per pair; an answer kept by
# this process alone never differs from a fresh one. hg's also depends on the branch's heads.
@lru_cache(maxsize=1024)
def _git_dry_run(target_path: str, branch: str, target_head: str, source_path: str,
                 source_commit: str) -> int:
    backend = vcs.open_repository(Path(target_path), "git")
    result = backend.merge(Path(source_path), source_commit, branch, target_head, "dry run",
                           "vcshub <vcshub@localhost>", dry_run=True)
    return FAILURE_REASONS.get(result.status, 1)


def unresolved_todos(uow: UnitOfWork, pr: PullRequest) -> int:
    """TODO comments of the pull request (outdated ones too) that no comment resolves."""
    resolver = select(Comment.resolves_comment_id).where(
        Comment.pull_request_id == pr.pull_request_id, Comment.resolves_comment_id.is_not(None))
    return uow.db.scalar(select(func.count()).select_from(Comment).where(
        Comment.pull_request_id == pr.pull_request_id, Comment.comment_type == "todo",
        Comment.comment_id.not_in(resolver))) or 0


def refusals(uow: UnitOfWork, pr: PullRequest) -> list[str]:
    """What the review rules hold against merging now, whoever asks (RhodeCode's texts); the
    merge itself (conflicts, locks) is judged by the dry run, the caller's right by the
    merge. An empty list: the rules allow it."""
    settings = repo_vcs_settings.effective(uow, pr.target_repo)
    reasons = []
    if not settings[repo_vcs_settings.MERGE_ENABLED]:
        reasons.append("Server-side pull request merging is disabled.")
    if settings[repo_vcs_settings.APPROVAL_REQUIRED]:
        votes = reviews.latest_votes(uow, pr)
        rows = [votes.get(r.user_id, "not_reviewed") for r in pr.reviewers]
        if reviews.review_status(rows) != "approved":
            reasons.append("Pull request reviewer approval is pending.")
    todos = unresolved_todos(uow, pr)
    if todos:
        reasons.append(f"Cannot merge, {todos} TODO{'s' if todos != 1 else ''} still not resolved.")
    return reasons


def mergeable(uow: UnitOfWork, pr: PullRequest) -> dict:
    """Whether a merge would succeed now: the review rules, then a dry run (nothing is
    changed)."""
    if pr.status == "closed":
        return {"status": False, "message": "This pull request is closed."}
    reasons = refusals(uow, pr)
    if reasons:
        return {"status": False, "message": " ".join(reasons)}
    try:
        reason, _ = _attempt(_plan(uow, pr), "vcshub <vcshub@localhost>", dry_run=True)
    except (vcs.VCSError, OSError):
        reason = 1
    return {"status": reason == 0, "message": MERGEABLE_MESSAGES[reason]}


def merge_pull_request(
    uow: UnitOfWork, caller: Caller, repoid: object, pull_request_id: object, userid: object = None
) -> MergeReport:
    """Merge as the caller (or the user he may act as); a merge that cannot be done is reported,
    not raised. Checks in 4.6's order, all judged on the pull request's own target repository."""
    repo = pull_requests.readable_repo(uow, caller, repoid)
    actor = pull_requests.acting_caller(uow, caller, repo, userid)
    pr = pull_requests.in_repo(uow, repo, pull_request_id)
    if not pull_requests.can_merge(actor, pr):
        raise NotFound("repository", repoid)
    if pr.status == "closed":
        raise ReviewError(ReviewProblem.MERGE_CLOSED, pull_request_id=pull_request_id)
    reasons = refusals(uow, pr)
    if reasons:
        raise MergeRefused(reasons)
    user = actor.user
    before = journal.snapshot(uow, pr.target_repo)
    plan, author = _plan(uow, pr), f"{user.full_name} <{user.email}>"
    # The merge may take a while: the checks' transaction ends first, so that no write lock
    # (SQLite's is database-wide) is held meanwhile; the outcome is stored in a new one.
    uow.commit()
    with coordination.for_settings(uow.settings).exclusive(plan.target_path, MERGE_WAIT) as held:
        reason, commit_id = _attempt(plan, author, dry_run=False) if held else (TARGET_BUSY, None)
    if reason != 0:
        return MergeReport(possible=False, executed=False, merge_commit_id=None, failure_reason=reason)
    pr.status = "closed"
    pr.merge_commit_id = commit_id
    reviews.add_comment(uow, pr.target_repo, user, "Pull request merged and closed", pull_request=pr)
    journal.record_push(uow, pr.target_repo, user, before)
    return MergeReport(possible=True, executed=True, merge_commit_id=commit_id, failure_reason=0)
