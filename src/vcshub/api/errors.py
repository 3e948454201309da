"""The one place where domain and authentication errors become the contract's error strings."""

from __future__ import annotations

from vcshub.auth.identity import AuthError, BadTokenRole, InactiveUser, InvalidToken, IpNotAllowed
from vcshub.services import errors as domain


class ApiError(Exception):
    """An error whose message goes to the client verbatim."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


INTERNAL_ERROR = "Internal server error"

_ALREADY_EXISTS_KIND = {
    "user": "user",
    "email": "email",
    "repository": "repo",
    "repository group": "repo group",
    "user group": "user group",
    "fork": "fork",
}


def auth_message(exc: AuthError) -> str:
    if isinstance(exc, InvalidToken):
        return "Invalid API KEY"
    if isinstance(exc, InactiveUser):
        return "Request from this user not allowed"
    if isinstance(exc, IpNotAllowed):
        return f"Request from IP:{exc.ip} not allowed"
    if isinstance(exc, BadTokenRole):
        return "API KEY has bad role for an API call"
    return INTERNAL_ERROR


def contract_message(exc: domain.DomainError) -> str | None:
    """The contract's fixed text for an error, or None when the method's failure text applies."""
    if isinstance(exc, domain.NotFound):
        return f"{exc.kind} `{exc.ident}` does not exist"
    if isinstance(exc, domain.AccessDenied):
        return "Access was denied to this resource."
    if isinstance(exc, domain.NotYourUser):
        return "userid is not the same as your user"
    if isinstance(exc, domain.OwnerNotAllowed):
        return "Only RhodeCode admin can specify `owner` param"
    if isinstance(exc, domain.AlreadyExists):
        return f"{_ALREADY_EXISTS_KIND.get(exc.kind, exc.kind)} `{exc.name}` already exist"
    if isinstance(exc, domain.Required):
        return f"Validation failed: {{'{exc.field}': 'Required'}}"
    if isinstance(exc, domain.InvalidPermission):
        return str(exc)
    if isinstance(exc, domain.DefaultUserProtected):
        return "editing default user is forbidden"
    if isinstance(exc, domain.RefError):
        return _ref_message(exc)
    if isinstance(exc, domain.ReviewError):
        return _review_message(exc)
    if isinstance(exc, domain.CommentFailed):
        return f"failed to set comment on repository `{exc.repo_name}`"
    if isinstance(exc, domain.UserGroupInUse):
        assigned = [f"<Repository('{rid}:{name}')>" for rid, name in exc.repos]
        assigned += [f"<RepoGroup('id:{gid}:{name}')>" for gid, name in exc.repo_groups]
        return "UserGroup assigned to " + ",".join(assigned)
    return None


def _ref_message(exc: domain.RefError) -> str:
    if exc.problem == "format":
        return (
            f"Ref `{exc.ref}` given in a wrong format. "
            "Please check the API documentation for more details"
        )
    if exc.problem == "unknown":
        return f"The specified {exc.ref_type} `{exc.name}` does not exist"
    return f"Ref `{exc.ref}` does not exist"


_STATUSES = "['not_reviewed', 'approved', 'rejected', 'under_review']"


def _review_message(exc: domain.ReviewError) -> str:
    pr = exc.pull_request_id
    return {
        "bad_pull_request_id": "pullrequestid must be an integer",
        "mixed_repo_types": "source and target repositories must be of the same type",
        "no_commits": "no commits found",
        "no_common_ancestor": "no common ancestor found",
        "reviewers_not_list": "reviewers should be specified as a list",
        "merge_closed": f"pull request `{pr}` merge failed, pull request is closed",
        "close_denied": f"pull request `{pr}` close failed, no permission to close.",
        "already_closed": f"pull request `{pr}` is already closed",
        "update_denied": f"pull request `{pr}` update failed, no permission to update.",
        "update_closed": f"pull request `{pr}` update failed, pull request is closed",
        "comment_empty": "message and status parameter missing",
        "bad_status": f"unknown comment status`{exc.status}`",
        "bad_comment_type": f"comment_type must be one of ['note', 'todo'], got {exc.status}",
        "bad_resolves": f"comment `{exc.status}` to resolve does not exist",
        "bad_commit_status": f"Bad status, must be on of {_STATUSES} got {exc.status}",
        "closed_pr_status": (
            "Changing status on a changeset associated with a closed pull request is not allowed"
        ),
    }.get(exc.problem, INTERNAL_ERROR)
