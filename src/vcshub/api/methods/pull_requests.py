"""Pull-request methods (REFERENCE.md 4.6)."""

from __future__ import annotations

from typing import Annotated

from vcshub.api.call import Call
from vcshub.api.coercion import Bool, OneOf, Text
from vcshub.api.registry import MethodSet
from vcshub.serializers.pull_requests import pull_request_data
from vcshub.services import comments, pr_merge, pull_requests, reviews

methods = MethodSet()

# REFERENCE.md 4.6: a filter on these three states only (RC4 would list nothing for another).
PullRequestStatus = Annotated[str, OneOf(["new", "open", "closed"])]


def serialize(call: Call, pr) -> dict:
    votes = reviews.latest_votes(call.uow, pr)
    reviewer_votes = [votes.get(r.user_id, "not_reviewed") for r in pr.reviewers]
    return pull_request_data(
        pr,
        base_url=call.base_url,
        votes=votes,
        review_status=reviews.review_status(reviewer_votes),
        mergeable=pr_merge.mergeable(call.uow, pr),
    )


def _repoid(call: Call, repoid, pullrequestid):
    """RC-later's optional ``repoid`` (REFERENCE.md 5): absent or null, the pull request's
    target repository; the service judges every rule on it again."""
    return pull_requests.named_repoid(call.uow, call.caller, repoid, pullrequestid)


@methods.method(writes=False)
def get_pull_request(call: Call, pullrequestid, repoid=None, merge_state: Bool = False):
    # RC-later's merge_state asks for the mergeability check: the object always carries it.
    repoid = _repoid(call, repoid, pullrequestid)
    return serialize(
        call, pull_requests.get_pull_request(call.uow, call.caller, repoid, pullrequestid)
    )


@methods.method(writes=False)
def get_pull_requests(call: Call, repoid, status: PullRequestStatus = "new"):
    return [
        serialize(call, pr)
        for pr in pull_requests.list_pull_requests(call.uow, call.caller, repoid, status)
    ]


@methods.method()
def merge_pull_request(call: Call, pullrequestid, repoid=None, userid=None):
    repoid = _repoid(call, repoid, pullrequestid)
    report = pr_merge.merge_pull_request(call.uow, call.caller, repoid, pullrequestid, userid)
    return {
        "possible": report.possible,
        "executed": report.executed,
        "merge_commit_id": report.merge_commit_id,
        "failure_reason": report.failure_reason,
    }


@methods.method()
def close_pull_request(
    call: Call, pullrequestid, repoid=None, userid=None, message: Text = "", status: Text = None
):
    repoid = _repoid(call, repoid, pullrequestid)
    if message and status is None:
        status = "rejected"  # RC-later closes with the closer's "rejected" vote by default
    pr, comment = comments.close_pull_request(
        call.uow, call.caller, repoid, pullrequestid, userid, message, status
    )
    result = {"pull_request_id": pr.pull_request_id, "closed": True}
    if comment is not None:  # RC-later's closing comment: the label of the vote it carries
        result["close_status"] = reviews.STATUS_LABELS[status]
    return result


@methods.method()
def comment_pull_request(
    call: Call,
    pullrequestid,
    repoid=None,
    message: Text = None,
    status: Text = None,
    userid=None,
    comment_type: Text = "note",
    resolves_comment_id=None,
    f_path: Text = None,
    line: Text = None,
):
    repoid = _repoid(call, repoid, pullrequestid)
    options = comments.CommentOptions(comment_type, f_path, line, resolves_comment_id)
    pr, comment = comments.comment_pull_request(
        call.uow, call.caller, repoid, pullrequestid, message, status, userid, options
    )
    return {
        "pull_request_id": pr.pull_request_id,
        "comment_id": comment.comment_id,
        "status": status,
    }


@methods.method()
def create_pull_request(
    call: Call, source_repo, target_repo, source_ref: Text, target_ref: Text, title: Text,
    description: Text = "", reviewers=None,
):
    pr = pull_requests.create_pull_request(
        call.uow, call.caller, source_repo, target_repo, source_ref, target_ref, title,
        description, reviewers,
    )
    return {"msg": f"Created new pull request `{pr.title}`", "pull_request_id": pr.pull_request_id}


@methods.method()
def update_pull_request(
    call: Call,
    pullrequestid,
    repoid=None,
    title: Text = "",
    description: Text = "",
    reviewers=None,
    update_commits: Bool = None,
    close_pull_request: Bool = None,
):
    repoid = _repoid(call, repoid, pullrequestid)
    report = pull_requests.update_pull_request(
        call.uow, call.caller, repoid, pullrequestid,
        title=title or "", description=description or "", reviewers=reviewers,
        update_commits=bool(update_commits), close=bool(close_pull_request),
    )
    pr = pull_requests.get_pull_request(call.uow, call.caller, repoid, pullrequestid)
    return {
        "msg": f"Updated pull request `{pr.pull_request_id}`",
        "pull_request": serialize(call, pr),
        "updated_commits": {
            "added": report.added, "common": report.common, "removed": report.removed,
        },
        "updated_reviewers": {
            "added": report.reviewers_added, "removed": report.reviewers_removed,
        },
    }


def _comment_failure(call_args) -> str:
    return f"failed to set comment on repository `{call_args.get('repoid')}`"


def _comment_commit(call: Call, repoid, commit_id, message, userid, status, options):
    _, full_id, repo_name = comments.comment_commit(
        call.uow, call.caller, repoid, commit_id, message, status, userid, options
    )
    return {
        "msg": f"Commented on commit `{full_id}` for repository `{repo_name}`",
        "status_change": status,
        "success": True,
    }


@methods.method(failure=_comment_failure)
def comment_commit(
    call: Call, repoid, commit_id, message: Text, userid=None, status: Text = None,
    comment_type: Text = "note", resolves_comment_id=None, f_path: Text = None,
    line: Text = None,
):
    options = comments.CommentOptions(comment_type, f_path, line, resolves_comment_id)
    return _comment_commit(call, repoid, commit_id, message, userid, status, options)


@methods.method("changeset_comment", deprecated_for="comment_commit", failure=_comment_failure)
def changeset_comment(
    call: Call, repoid, revision, message: Text, userid=None, status: Text = None
):
    # `revision` is this method's own name for the commit (a missing one is reported by it).
    return _comment_commit(call, repoid, revision, message, userid, status, None)
