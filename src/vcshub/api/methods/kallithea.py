"""Kallithea 0.7's own method names (REFERENCE.md 6): its ``kallithea-api`` client and scripts
call them. Arguments, results and error texts are Kallithea's; the data and every rule are
vcshub's, through the same services as the RhodeCode methods.

Deviation: where Kallithea tells a caller without read access "Access denied to repo x" or
"not allowed", the object does not exist here, as everywhere in vcshub (1.8).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from vcshub.api.call import Call
from vcshub.api.coercion import AsInt, Bool
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers import kallithea as shapes
from vcshub.services import comments, pull_requests, repo_contents, review_trail
from vcshub.services.errors import BadCommitRange

methods = MethodSet()

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _date(name: str, value: object) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        return dt.datetime.strptime(str(value), _DATE_FORMAT)
    except ValueError:
        raise ApiError(f"{name} must be a date in the format {_DATE_FORMAT}") from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@methods.method(writes=False)
def get_changesets(
    call: Call, repoid, start=None, end=None, start_date=None, end_date=None,
    branch_name=None, reverse: Bool = False, with_file_list: Bool = False,
    max_revisions: Annotated[int, AsInt()] = None,
):
    _repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    if backend.is_empty():
        raise ApiError("Repository is empty")
    wanted = repo_contents.CommitRange(
        start=_text(start), end=_text(end),
        since=_date("start_date", start_date), until=_date("end_date", end_date),
        branch=_text(branch_name), reverse=reverse, limit=max_revisions,
    )
    try:
        commits = repo_contents.commit_range(backend, wanted)
    except BadCommitRange as exc:
        raise ApiError(str(exc)) from None
    return [shapes.changeset_entry(c, with_file_list) for c in commits]


@methods.method(writes=False)
def get_changeset(call: Call, repoid, raw_id, with_reviews: Bool = False):
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    commit = repo_contents.commit_or_empty(backend, str(raw_id))
    if commit.index < 0:  # the empty commit: nothing by that id
        raise ApiError(f"Changeset {raw_id} does not exist")
    data = shapes.changeset_data(commit)
    if with_reviews:
        votes = review_trail.commit_votes(call.uow, repo.repo_id, commit.raw_id)
        data["reviews"] = [shapes.vote_data(v) for v in votes]
    return data


def _pull_request(call: Call, pull_request_id):
    """The pull request, if the caller may read its target; its repository's name."""
    repoid = pull_requests.named_repoid(call.uow, call.caller, None, pull_request_id)
    return repoid, pull_requests.get_pull_request(call.uow, call.caller, repoid, pull_request_id)


@methods.method(writes=False)
def get_pullrequest(call: Call, pullrequest_id):
    _repoid, pr = _pull_request(call, pullrequest_id)
    return shapes.pull_request_data(
        pr, base_url=call.base_url,
        comments=review_trail.comments(call.uow, pr), votes=review_trail.votes(call.uow, pr),
    )


@methods.method()
def comment_pullrequest(
    call: Call, pull_request_id, comment_msg="", status=None, close_pr: Bool = False
):
    repoid, pr = _pull_request(call, pull_request_id)
    # Kallithea's refusals, in its order; the services below decide again.
    if close_pr and not pull_requests.can_update(call.caller, pr):
        raise ApiError("No permission to close pull request. User needs to be admin or owner.")
    if status and not pull_requests.can_vote(call.caller, pr):
        raise ApiError(
            "No permission to change pull request status. User needs to be admin, owner or "
            "reviewer."
        )
    if pr.status == "closed":
        raise ApiError("pull request is already closed")
    message = comment_msg or None
    if close_pr:
        comments.close_pull_request(
            call.uow, call.caller, repoid, pull_request_id, None, message, status or None
        )
    else:
        comments.comment_pull_request(
            call.uow, call.caller, repoid, pull_request_id, message, status or None
        )
    return True


def _users(value) -> list:
    """One user or a list of them, as Kallithea takes them."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if v is not None]


@methods.method()
def edit_reviewers(call: Call, pull_request_id, add=None, remove=None):
    if add is None and remove is None:
        raise ApiError("Invalid request. Neither 'add' nor 'remove' is specified.")
    repoid, pr = _pull_request(call, pull_request_id)
    if not pull_requests.can_update(call.caller, pr):
        raise ApiError(
            "No permission to edit reviewers of this pull request. User needs to be admin or "
            "pull request owner."
        )
    if pr.status == "closed":
        raise ApiError("Cannot edit reviewers of a closed pull request.")
    change = pull_requests.change_reviewers(
        call.uow, call.caller, repoid, pull_request_id, _users(add), _users(remove)
    )
    return {"added": change.added, "already_present": change.already_present,
            "removed": change.removed}
