"""Pull requests: create, read, list, update and close (REFERENCE.md 4.6).

Permissions are judged on the target repository: "can merge" = write on it; "can update/close"
= can merge or is the author; "can vote" = can update or is a reviewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vcshub.db.models import (
    Comment,
    PullRequest,
    PullRequestReviewer,
    PullRequestVersion,
    Repository,
    User,
)
from vcshub.permissions.caller import Caller
from vcshub.services import access, lookup, repo_disk, repo_vcs_settings, reviews
from vcshub.services.errors import NotFound, NotYourUser, ReviewError, ReviewProblem
from vcshub.services.pr_refs import Ref, current_head, resolve
from vcshub.services.unit_of_work import UnitOfWork

_LOAD = (
    selectinload(PullRequest.reviewers).selectinload(PullRequestReviewer.user),
    selectinload(PullRequest.author),
    selectinload(PullRequest.source_repo),
    selectinload(PullRequest.target_repo),
)


def can_merge(caller: Caller, pr: PullRequest) -> bool:
    return access.can_repo(caller, pr.target_repo, "repository.write")


def can_update(caller: Caller, pr: PullRequest) -> bool:
    return can_merge(caller, pr) or pr.author_id == caller.user_id


def can_vote(caller: Caller, pr: PullRequest) -> bool:
    return can_update(caller, pr) or any(r.user_id == caller.user_id for r in pr.reviewers)


def acting_caller(uow: UnitOfWork, caller: Caller, repo: Repository, userid: object) -> Caller:
    """Impersonation (4.6): only super-admins and admins of ``repo`` may act as someone else.

    ``repo`` is the repository the pull request was found in, never one the caller merely named:
    judging the rule on a repository of the caller's own let anyone act as anyone.
    """
    if userid is None:
        return caller
    if not (caller.is_admin or access.can_repo(caller, repo, "repository.admin")):
        raise NotYourUser()
    return Caller(uow.db, lookup.user(uow.db, userid))


def pull_request_number(value: object) -> int:
    """The id as clients send it: a number, or its decimal text."""
    if isinstance(value, int):  # bools too, as for every integer argument
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise ReviewError(ReviewProblem.BAD_PULL_REQUEST_ID) from None


def find(uow: UnitOfWork, pull_request_id: object) -> PullRequest:
    """The pull request with this id, whatever its repository: callers must check that."""
    number = lookup.possible_id(pull_request_number(pull_request_id))
    pr = None
    if number is not None:
        pr = uow.db.scalar(
            select(PullRequest).options(*_LOAD).where(PullRequest.pull_request_id == number)
        )
    if pr is None:
        raise NotFound("pull request", pull_request_id)
    return pr


def readable_repo(uow: UnitOfWork, caller: Caller, repoid: object) -> Repository:
    """The ``repoid`` of a pull-request method, if the caller may read it.

    Checked before the pull request is looked up, so that a private repository answers exactly
    like a missing one (1.8) instead of "pull request does not exist".
    """
    return access.repo(uow, caller, repoid, "repository.read")


def named_repoid(uow: UnitOfWork, caller: Caller, repoid: object, pull_request_id: object) -> object:
    """The ``repoid`` a pull-request method judges on: as sent, or, when the client left it out
    (RhodeCode 4.12+ made it optional), the name of the pull request's target repository.

    Only a caller who may read that repository learns its name; to anyone else the pull
    request does not exist. The caller's service still checks everything again on that name.
    """
    if repoid is not None:
        return repoid
    pr = find(uow, pull_request_id)
    if not access.can_repo(caller, pr.target_repo, "repository.read"):
        raise NotFound("pull request", pull_request_id)
    return pr.target_repo.repo_name


def in_repo(uow: UnitOfWork, repo: Repository, pull_request_id: object) -> PullRequest:
    """The pull request targeting ``repo``; one that targets another repository does not exist
    here (RhodeCode checks the same), so every rule below is judged on ``repo``."""
    pr = find(uow, pull_request_id)
    if pr.target_repo_id != repo.repo_id:
        raise NotFound("pull request", pull_request_id)
    return pr


def get_pull_request(uow: UnitOfWork, caller: Caller, repoid: object, pull_request_id: object) -> PullRequest:
    return in_repo(uow, readable_repo(uow, caller, repoid), pull_request_id)


def list_pull_requests(uow: UnitOfWork, caller: Caller, repoid: object, status: object = "new") -> list[PullRequest]:
    """Pull requests targeting the repository, in one state."""
    repo = access.repo(uow, caller, repoid, "repository.read")
    return list(
        uow.db.scalars(
            select(PullRequest)
            .options(*_LOAD)
            .where(PullRequest.target_repo_id == repo.repo_id, PullRequest.status == status)
            .order_by(PullRequest.pull_request_id.desc())
        )
    )


@dataclass(frozen=True)
class Reviewer:
    user: User
    reasons: tuple[str, ...] = ()


def _reviewer(uow: UnitOfWork, entry: object) -> Reviewer:
    """A user id or name, or RC-later's ``{"username": ..., "reasons": [...]}`` object."""
    if not isinstance(entry, Mapping):
        return Reviewer(lookup.user(uow.db, entry))
    ident = entry.get("username", entry.get("user_id", entry.get("userid")))
    reasons = entry.get("reasons") or []
    if not isinstance(reasons, list):
        reasons = [reasons]
    return Reviewer(lookup.user(uow.db, ident), tuple(str(r) for r in reasons))


def _reviewers(uow: UnitOfWork, reviewers: object) -> list[Reviewer]:
    if reviewers is None:
        return []
    if not isinstance(reviewers, list):
        raise ReviewError(ReviewProblem.REVIEWERS_NOT_LIST)
    found: dict[int, Reviewer] = {}
    for entry in reviewers:
        reviewer = _reviewer(uow, entry)
        found.setdefault(reviewer.user.user_id, reviewer)
    return list(found.values())


def create_pull_request(
    uow: UnitOfWork,
    caller: Caller,
    source_repo: object,
    target_repo: object,
    source_ref: object,
    target_ref: object,
    title: object,
    description: object = "",
    reviewers: object = None,
) -> PullRequest:
    source = lookup.repo(uow.db, source_repo)
    target = lookup.repo(uow.db, target_repo)
    if not access.can_repo(caller, source, "repository.read"):
        raise NotFound("repository", source_repo)
    if not access.can_repo(caller, target, "repository.read"):  # Deviation: RC4 forgets this
        raise NotFound("repository", target_repo)
    if source.repo_type != target.repo_type:  # unrelated histories are caught below
        raise ReviewError(ReviewProblem.MIXED_REPO_TYPES)
    source_backend = repo_disk.open_vcs(uow, source)
    target_backend = repo_disk.open_vcs(uow, target)
    src = resolve(source_backend, source_ref)
    dst = resolve(target_backend, target_ref)
    source_path = repo_disk.path(uow, source)
    revisions = target_backend.commits_to_merge(source_path, src.commit_id, dst.commit_id)
    if not revisions:
        raise ReviewError(ReviewProblem.NO_COMMITS)
    if target_backend.common_ancestor(source_path, src.commit_id, dst.commit_id) is None:
        raise ReviewError(ReviewProblem.NO_COMMON_ANCESTOR)
    reviewer_users = _reviewers(uow, reviewers)
    pr = PullRequest(
        title=str(title),
        description=description if isinstance(description, str) else "",
        status="new",
        source_repo_id=source.repo_id,
        source_ref=str(src),
        target_repo_id=target.repo_id,
        target_ref=str(dst),
        author_id=caller.user_id,
        revisions=revisions,
    )
    pr.reviewers = [
        PullRequestReviewer(user_id=r.user.user_id, reasons=list(r.reasons)) for r in reviewer_users
    ]
    uow.db.add(pr)
    uow.db.flush()
    reviews.vote(uow, target, caller.user, "under_review", pull_request=pr)
    return find(uow, pr.pull_request_id)


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    common: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reviewers_added: list[str] = field(default_factory=list)
    reviewers_removed: list[str] = field(default_factory=list)


def _require_open(pr: PullRequest, problem: ReviewProblem) -> None:
    if pr.status == "closed":
        raise ReviewError(problem, pull_request_id=pr.pull_request_id)


def update_pull_request(
    uow: UnitOfWork,
    caller: Caller,
    repoid: object,
    pull_request_id: int,
    *,
    title: str = "",
    description: str = "",
    reviewers: object = None,
    update_commits: bool = False,
    close: bool = False,
) -> UpdateReport:
    """Title/description, then commits, then reviewers, then closing — in that order."""
    pr = in_repo(uow, readable_repo(uow, caller, repoid), pull_request_id)
    if not can_update(caller, pr):
        raise ReviewError(ReviewProblem.UPDATE_DENIED, pull_request_id=pull_request_id)
    _require_open(pr, ReviewProblem.UPDATE_CLOSED)
    if reviewers is not None and not isinstance(reviewers, list):
        raise ReviewError(ReviewProblem.REVIEWERS_NOT_LIST)
    report = UpdateReport()
    if title or description:
        pr.title = title or pr.title
        pr.description = description or pr.description
    if update_commits:
        _update_commits(uow, caller, pr, report)
    if reviewers:
        _replace_reviewers(uow, pr, _reviewers(uow, reviewers), report)
    if close:
        target = pr.target_repo
        comment = reviews.add_comment(
            uow, target, caller.user, "Closing with Status change > Rejected", pull_request=pr
        )
        reviews.vote(uow, target, caller.user, "rejected", pull_request=pr, comment=comment)
        pr.status = "closed"
    uow.db.flush()
    return report


@dataclass
class ReviewerChange:
    added: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def change_reviewers(
    uow: UnitOfWork, caller: Caller, repoid: object, pull_request_id: object,
    add: list, remove: list,
) -> ReviewerChange:
    """Add some reviewers and remove others (Kallithea 0.7's ``edit_reviewers``): a user in
    both lists ends up removed. Same rights as :func:`update_pull_request`."""
    pr = in_repo(uow, readable_repo(uow, caller, repoid), pull_request_id)
    if not can_update(caller, pr):
        raise ReviewError(ReviewProblem.UPDATE_DENIED, pull_request_id=pull_request_id)
    _require_open(pr, ReviewProblem.UPDATE_CLOSED)
    adding, removing = _reviewers(uow, add), _reviewers(uow, remove)
    current = {r.user_id for r in pr.reviewers}
    dropped = {r.user.user_id for r in removing}
    wanted = [Reviewer(r.user, tuple(r.reasons or ())) for r in pr.reviewers]
    wanted += [r for r in adding if r.user.user_id not in current]
    _replace_reviewers(uow, pr, [r for r in wanted if r.user.user_id not in dropped], UpdateReport())
    return ReviewerChange(
        added=sorted(r.user.username for r in adding if r.user.user_id not in current),
        already_present=sorted(r.user.username for r in adding if r.user.user_id in current),
        removed=sorted(r.user.username for r in removing),
    )


def _update_commits(uow: UnitOfWork, caller: Caller, pr: PullRequest, report: UpdateReport) -> None:
    source_ref = Ref.parse_stored(pr.source_ref)
    if source_ref.type not in ("branch", "book", "bookmark", "tag"):
        return
    source_backend = repo_disk.open_vcs(uow, pr.source_repo)
    head = current_head(source_backend, source_ref)
    if head is None or head == source_ref.commit_id:
        return
    target_ref = Ref.parse_stored(pr.target_ref)
    target_backend = repo_disk.open_vcs(uow, pr.target_repo)
    revisions = target_backend.commits_to_merge(
        repo_disk.path(uow, pr.source_repo), head, target_ref.commit_id
    )
    version = PullRequestVersion(
        pull_request_id=pr.pull_request_id,
        source_ref=pr.source_ref,
        target_ref=pr.target_ref,
        revisions=list(pr.revisions),
        title=pr.title,
        description=pr.description,
    )
    uow.db.add(version)
    uow.db.flush()
    # Comments made so far stay attached to the version they were made on (and so are shown
    # outdated), unless the repository's setting keeps them on the newest one.
    keep = repo_vcs_settings.effective(uow, pr.target_repo)[repo_vcs_settings.OUTDATED_COMMENTS]
    for comment in [] if not keep else uow.db.scalars(
        select(Comment).where(
            Comment.pull_request_id == pr.pull_request_id,
            Comment.pull_request_version_id.is_(None),
        )
    ):
        comment.pull_request_version_id = version.version_id
    old = set(pr.revisions)
    report.added = [c for c in revisions if c not in old]
    report.common = [c for c in revisions if c in old]
    report.removed = [c for c in pr.revisions if c not in set(revisions)]
    pr.revisions = revisions
    pr.source_ref = str(Ref(source_ref.type, source_ref.name, head))
    text = (
        f"Pull request updated: {len(report.added)} added, {len(report.removed)} removed "
        f"commits. Auto status change to |{reviews.STATUS_LABELS['under_review']}|"
    )
    comment = reviews.add_comment(uow, pr.target_repo, caller.user, text, pull_request=pr)
    reviews.vote(uow, pr.target_repo, caller.user, "under_review", pull_request=pr, comment=comment)


def _replace_reviewers(
    uow: UnitOfWork, pr: PullRequest, reviewers: list[Reviewer], report: UpdateReport
) -> None:
    wanted = {r.user.user_id: r for r in reviewers}
    current = {r.user_id: r for r in pr.reviewers}
    for user_id, row in current.items():
        if user_id not in wanted:
            report.reviewers_removed.append(row.user.username)
            pr.reviewers.remove(row)
    for user_id, reviewer in wanted.items():
        if user_id not in current:
            report.reviewers_added.append(reviewer.user.username)
            pr.reviewers.append(PullRequestReviewer(user_id=user_id, reasons=list(reviewer.reasons)))
    report.reviewers_added.sort()
    report.reviewers_removed.sort()
    uow.db.flush()


def close(uow: UnitOfWork, actor: Caller, pr: PullRequest, ident: object) -> PullRequest:
    """Close ``pr`` as ``actor`` if he may (the author or a writer of its target); ``ident`` is
    the id as the client sent it, for the messages."""
    if not can_update(actor, pr):
        raise ReviewError(ReviewProblem.CLOSE_DENIED, pull_request_id=ident)
    if pr.status == "closed":
        raise ReviewError(ReviewProblem.ALREADY_CLOSED, pull_request_id=ident)
    pr.status = "closed"
    uow.db.flush()
    return pr


def reopen(uow: UnitOfWork, caller: Caller, repoid: object, pull_request_id: object) -> PullRequest:
    """Open a closed, unmerged pull request again, as RhodeCode's page does: whoever may close
    it may reopen it (the author or a writer of its target). It keeps its commits and versions;
    Update commits catches up with the source afterwards."""
    pr = in_repo(uow, readable_repo(uow, caller, repoid), pull_request_id)
    if not can_update(caller, pr):
        raise ReviewError(ReviewProblem.REOPEN_DENIED, pull_request_id=pull_request_id)
    if pr.status != "closed" or pr.merge_commit_id is not None:
        raise ReviewError(ReviewProblem.NOT_REOPENABLE, pull_request_id=pull_request_id)
    pr.status = "new"
    reviews.add_comment(uow, pr.target_repo, caller.user, "Pull request reopened", pull_request=pr)
    uow.db.flush()
    return pr
