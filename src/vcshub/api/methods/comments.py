"""Comment methods of RC-later (REFERENCE.md section 5): get_repo_comments, get_comment,
edit_comment (versioned), get_pull_request_comments."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.coercion import Text
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers.comments import comment_data, pull_request_comment_data
from vcshub.services import comment_reads, comments
from vcshub.services.errors import Invalid, NotCommentAuthor, NotFound, ReviewError, ReviewProblem

methods = MethodSet()


@methods.method(writes=False)
def get_repo_comments(call: Call, repoid, commit_id: Text = None, comment_type: Text = None,
                      userid=None):
    found = comment_reads.repo_comments(call.uow, call.caller, repoid, commit_id, comment_type,
                                        userid)
    return [comment_data(item) for item in found]


@methods.method(writes=False)
def get_comment(call: Call, comment_id):
    return comment_data(comment_reads.get_comment(call.uow, call.caller, comment_id))


@methods.method()
def edit_comment(call: Call, message, comment_id, version, userid=None):
    try:
        comment, new_version = comments.edit_comment(
            call.uow, call.caller, comment_id, message, version=version, userid=userid)
    except NotCommentAuthor:
        raise ApiError("you don't have access to edit this comment") from None
    except Invalid:
        raise ApiError(f"comment ({comment_id}) can't be changed with empty string") from None
    found = comment_reads.details(call.uow, [comment])[0]
    return {"comment": comment_data(found), "version": new_version}


@methods.method(writes=False)
def get_pull_request_comments(call: Call, pullrequestid, repoid=None):
    try:
        found = comment_reads.comments_of_pull_request(call.uow, call.caller, pullrequestid, repoid)
    except NotFound:
        raise ApiError(
            f"repository `{repoid}` or pull request `{pullrequestid}` does not exist") from None
    except ReviewError as exc:
        if exc.problem is not ReviewProblem.BAD_PULL_REQUEST_ID:
            raise
        raise ApiError(
            f"repository `{repoid}` or pull request `{pullrequestid}` does not exist") from None
    return [pull_request_comment_data(item) for item in found]
