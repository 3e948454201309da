"""The API's exception tree, and the one place where domain and authentication errors become
the contract's error strings.

::

    ApiError(message)          a failure whose message goes to the client verbatim
    CoercionError(message)     an argument value that cannot be converted (``{name}`` in the
                               message is the argument's name, filled in by the registry)
    TooDeep(limit)             a request document nested deeper than ``limit`` (a ValueError,
                               answered as a JSON parse error)

The lower layers' errors are mapped here:

    auth.errors.AuthError subclass     -> auth_message(), one fixed text each
    services.errors.DomainError        -> contract_message(): the contract's text, or None
                                          where the method's failure text applies
                                          (WITHOUT_CONTRACT_TEXT)
      RefError by RefProblem           -> _REF_MESSAGES, one entry per member
      ReviewError by ReviewProblem     -> _REVIEW_MESSAGES, one entry per member

Both kind tables are checked against their enum when this module is imported, so a new kind
without a message stops the server from starting instead of answering "Internal server error".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from vcshub.auth.errors import AuthError, BadTokenRole, InactiveUser, InvalidToken, IpNotAllowed
from vcshub.services import errors as domain
from vcshub.services.errors import RefProblem, ReviewProblem


class ApiError(Exception):
    """An error whose message goes to the client verbatim: a text, or an object naming each
    bad argument (RC-later's schema validation errors, REFERENCE.md 5)."""

    def __init__(self, message: str | dict[str, str]) -> None:
        super().__init__(message)
        self.message = message


class CoercionError(Exception):
    """A value could not be converted; the message is the client-facing error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def for_argument(self, name: str) -> CoercionError:
        return CoercionError(self.message.replace("{name}", name))


class TooDeep(ValueError):
    """A JSON document nested deeper than the pipeline reads (api/protocol.py, MAX_DEPTH)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def __str__(self) -> str:
        return f"JSON nested deeper than {self.limit} levels"


INTERNAL_ERROR = "Internal server error"

_ALREADY_EXISTS_KIND = {
    "user": "user",
    "email": "email",
    "repository": "repo",
    "repository group": "repo group",
    "user group": "user group",
    "fork": "fork",
}

_AUTH_MESSAGES: Mapping[type[AuthError], str] = {
    InvalidToken: "Invalid API KEY",
    InactiveUser: "Request from this user not allowed",
    IpNotAllowed: "Request from IP:{ip} not allowed",
    BadTokenRole: "API KEY has bad role for an API call",
}


def auth_message(exc: AuthError) -> str:
    # The nearest mapped class, as isinstance would find it; an AuthError subclass that nobody
    # mapped fails tests/api/test_error_kinds.py rather than reaching a client as this fallback.
    for cls in type(exc).__mro__:
        if cls in _AUTH_MESSAGES:
            return _AUTH_MESSAGES[cls].format(ip=getattr(exc, "ip", None))
    return INTERNAL_ERROR


# Domain errors whose API text is the method's own failure text (or str(exc)), not a fixed one
# of the contract. Exact classes: a subclass must be listed or mapped by itself.
WITHOUT_CONTRACT_TEXT: frozenset[type[domain.DomainError]] = frozenset(
    {
        domain.Invalid,
        domain.Conflict,
        domain.FieldExists,  # the methods catch these and say it their way
        domain.FieldMissing,
        domain.StorageError,
        domain.NotAFile,  # get_repo_file says it its way
        domain.BadCommitRange,  # get_changesets answers with its (Kallithea's) text
        # Raised only to web and VCS clients, never by a service an API method calls:
        domain.MailNotConfigured,
        domain.DownloadsDisabled,
        domain.ArchiveFailed,
        domain.VcsAccessRefused,
        domain.LoginRequired,
        domain.RepositoryUnknown,
        domain.PushNotAllowed,
        domain.RepositoryLocked,
    }
)


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
        return _REF_MESSAGES[exc.problem].format(ref=exc.ref, ref_type=exc.ref_type, name=exc.name)
    if isinstance(exc, domain.ReviewError):
        return _REVIEW_MESSAGES[exc.problem].format(
            pr=exc.pull_request_id,
            status=exc.status,
            comment_type=exc.comment_type,
            comment_id=exc.comment_id,
        )
    if isinstance(exc, domain.MergeRefused):
        # RC-later's MergeCheck failure (RC4 had no such rules to break)
        return "merge not possible for following reasons: " + ",".join(exc.reasons)
    if isinstance(exc, domain.StaleComment):
        return f"comment ({exc.comment_id}) version ({exc.version}) mismatch"
    if isinstance(exc, domain.CommentFailed):
        return f"failed to set comment on repository `{exc.repo_name}`"
    if isinstance(exc, domain.UserGroupInUse):
        assigned = [f"<Repository('{rid}:{name}')>" for rid, name in exc.repos]
        assigned += [f"<RepoGroup('id:{gid}:{name}')>" for gid, name in exc.repo_groups]
        return "UserGroup assigned to " + ",".join(assigned)
    return None


# Templates filled by str.format with the error's fields, as the f-strings they replace were.
_REF_MESSAGES: Mapping[RefProblem, str] = {
    RefProblem.FORMAT: (
        "Ref `{ref}` given in a wrong format. Please check the API documentation for more details"
    ),
    RefProblem.UNKNOWN: "The specified {ref_type} `{name}` does not exist",
    RefProblem.COMMIT: "Ref `{ref}` does not exist",
}

_STATUSES = "['not_reviewed', 'approved', 'rejected', 'under_review']"

_REVIEW_MESSAGES: Mapping[ReviewProblem, str] = {
    ReviewProblem.BAD_PULL_REQUEST_ID: "pullrequestid must be an integer",
    ReviewProblem.MIXED_REPO_TYPES: "source and target repositories must be of the same type",
    ReviewProblem.NO_COMMITS: "no commits found",
    ReviewProblem.NO_COMMON_ANCESTOR: "no common ancestor found",
    ReviewProblem.REVIEWERS_NOT_LIST: "reviewers should be specified as a list",
    ReviewProblem.MERGE_CLOSED: "pull request `{pr}` merge failed, pull request is closed",
    ReviewProblem.CLOSE_DENIED: "pull request `{pr}` close failed, no permission to close.",
    ReviewProblem.ALREADY_CLOSED: "pull request `{pr}` is already closed",
    ReviewProblem.UPDATE_DENIED: "pull request `{pr}` update failed, no permission to update.",
    ReviewProblem.UPDATE_CLOSED: "pull request `{pr}` update failed, pull request is closed",
    ReviewProblem.COMMENT_EMPTY: "message and status parameter missing",
    ReviewProblem.BAD_STATUS: "unknown comment status`{status}`",
    ReviewProblem.BAD_COMMENT_TYPE: (
        "comment_type must be one of ['note', 'todo'], got {comment_type}"
    ),
    ReviewProblem.BAD_RESOLVES: "comment `{comment_id}` to resolve does not exist",
    ReviewProblem.BAD_COMMIT_STATUS: f"Bad status, must be on of {_STATUSES} got {{status}}",
    ReviewProblem.CLOSED_PR_STATUS: (
        "Changing status on a changeset associated with a closed pull request is not allowed"
    ),
    # No API method reopens (RhodeCode's page does); worded as the close refusals are.
    ReviewProblem.REOPEN_DENIED: "pull request `{pr}` reopen failed, no permission to reopen.",
    ReviewProblem.NOT_REOPENABLE: "pull request `{pr}` is not closed or was merged",
    ReviewProblem.COMMENT_TYPE_FILTER: (
        "comment_type must be one of `['note', 'todo']` got {comment_type}"
    ),
}


def _require_every_kind(messages: Mapping[enum.Enum, str], kinds: type[enum.Enum]) -> None:
    missing = [kind.name for kind in kinds if kind not in messages]
    if missing:
        raise RuntimeError(f"api/errors.py has no message for {kinds.__name__} {missing}")


_require_every_kind(_REF_MESSAGES, RefProblem)
_require_every_kind(_REVIEW_MESSAGES, ReviewProblem)
