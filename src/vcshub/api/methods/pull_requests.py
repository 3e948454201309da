"""Pull-request methods (REFERENCE.md 4.6)."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.coercion import Bool
from vcshub.api.registry import MethodSet
from vcshub.serializers.pull_requests import pull_request_data
from vcshub.services import access, comments, lookup, pr_merge, pull_requests, reviews

methods = MethodSet()

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


@methods.method(writes=False)
def get_pull_request(call: Call, repoid, pullrequestid):
    return serialize(
        call, pull_requests.get_pull_request(call.uow, call.caller, repoid, pullrequestid)
    )


@methods.method(writes=False)
def get_pull_requests(call: Call, repoid, status="new"):
    return [
        serialize(call, pr)
        for pr in pull_requests.list_pull_requests(call.uow, call.caller, repoid, status)
    ]


@methods.method()
def merge_pull_request(call: Call, repoid, pullrequestid, userid=None):
    lookup.repo(call.uow.db, repoid)
    actor = pull_requests.acting_caller(call.uow, call.caller, repoid, userid)
    pr = pull_requests.find(call.uow, pullrequestid)
    report = pr_merge.merge_pull_request(call.uow, actor, repoid, pr)
    return {
        "possible": report.possible,
        "executed": report.executed,
        "merge_commit_id": report.merge_commit_id,
        "failure_reason": report.failure_reason,
    }


@methods.method()
def close_pull_request(call: Call, repoid, pullrequestid, userid=None, message="", status=None):
    lookup.repo(call.uow.db, repoid)
    actor = pull_requests.acting_caller(call.uow, call.caller, repoid, userid)
    pr, comment = comments.close_with_comment(
        call.uow, actor, repoid, pullrequestid, message, status
    )
    result = {"pull_request_id": pr.pull_request_id, "closed": True}
    if comment is not None:  # RC-later's closing comment
        result["closing_commit_id"] = comment.comment_id
    return result


@methods.method()
def comment_pull_request(
    call: Call,
    repoid,
    pullrequestid,
    message=None,
    status=None,
    userid=None,
    comment_type="note",
    resolves_comment_id=None,
    f_path=None,
    line=None,
):
    lookup.repo(call.uow.db, repoid)
    actor = pull_requests.acting_caller(call.uow, call.caller, repoid, userid)
    pr = pull_requests.find(call.uow, pullrequestid)
    options = comments.CommentOptions(comment_type, f_path, line, resolves_comment_id)
    comment = comments.comment_pull_request(
        call.uow, actor, repoid, pr, message, status, options
    )
    return {
        "pull_request_id": pr.pull_request_id,
        "comment_id": comment.comment_id,
        "status": status,
    }


@methods.method()
def create_pull_request(
    call: Call, source_repo, target_repo, source_ref, target_ref, title, description="",
    reviewers=None,
):
    pr = pull_requests.create_pull_request(
        call.uow, call.caller, source_repo, target_repo, source_ref, target_ref, title,
        description, reviewers,
    )
    return {"msg": f"Created new pull request `{pr.title}`", "pull_request_id": pr.pull_request_id}


@methods.method()
def update_pull_request(
    call: Call,
    repoid,
    pullrequestid,
    title="",
    description="",
    reviewers=None,
    update_commits: Bool = None,
    close_pull_request: Bool = None,
):
    report = pull_requests.update_pull_request(
        call.uow, call.caller, repoid, pullrequestid,
        title=title or "", description=description or "", reviewers=reviewers,
        update_commits=bool(update_commits), close=bool(close_pull_request),
    )
    pr = pull_requests.find(call.uow, pullrequestid)
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
    # The repository first: a private one must not be told apart from a missing one (1.8).
    repo = access.repo(call.uow, call.caller, repoid, "repository.read")
    actor = pull_requests.acting_caller(call.uow, call.caller, repoid, userid)
    comment, full_id = comments.comment_commit(
        call.uow, actor, repoid, commit_id, message, status, options
    )
    return {
        "msg": f"Commented on commit `{full_id}` for repository `{repo.repo_name}`",
        "status_change": status,
        "success": True,
    }


@methods.method(failure=_comment_failure)
def comment_commit(
    call: Call, repoid, commit_id, message, userid=None, status=None,
    comment_type="note", resolves_comment_id=None, f_path=None, line=None,
):
    options = comments.CommentOptions(comment_type, f_path, line, resolves_comment_id)
    return _comment_commit(call, repoid, commit_id, message, userid, status, options)


@methods.method(
    "changeset_comment", deprecated_for="comment_commit", legacy_args={"revision": "commit_id"},
    failure=_comment_failure,
)
def changeset_comment(call: Call, repoid, commit_id, message, userid=None, status=None):
    return _comment_commit(call, repoid, commit_id, message, userid, status, None)
