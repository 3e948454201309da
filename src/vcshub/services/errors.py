"""The domain's exception tree: every error a service raises on purpose.

::

    DomainError
     ├── NotFound(kind, ident)          an object does not exist, or the caller may not see it
     ├── AccessDenied                   the caller lacks a global permission
     │    ├── RegistrationClosed        the site does not let visitors sign up
     │    ├── ResetDisabled             ... nor users reset their own password
     │    └── NotCommentAuthor          may read a comment, may not edit or delete it
     ├── NotYourUser                    a non-super-admin named another user than himself
     ├── OwnerNotAllowed                a non-super-admin tried to set ``owner``
     ├── AlreadyExists(kind, name)
     ├── Invalid(field, reason)         input that breaks a rule
     │    └── Required(field)
     ├── InvalidPermission(permission, prefix)
     ├── Conflict                       refused by the state of things
     │    ├── MailNotConfigured         the server sends no mail (no smtp_server)
     │    ├── DefaultUserProtected
     │    ├── UserGroupInUse(repos, repo_groups)
     │    ├── FieldExists               a repository's extra field, added twice
     │    └── FieldMissing              ... removed while absent
     ├── StorageError                   the repository storage could not be changed
     ├── NotAFile                       a file asked for where the tree has a directory
     ├── BadCommitRange                 a range of commits the repository does not have
     ├── RefError(problem: RefProblem, ref, ref_type, name)
     ├── ReviewError(problem: ReviewProblem, pull_request_id, status, comment_type, comment_id)
     ├── MergeRefused(reasons)          the review rules hold a merge back
     ├── StaleComment(comment_id, version)  an edit of a comment changed since
     ├── CommentFailed(repo_name, reason)
     ├── DownloadsDisabled(repo_name)
     ├── ArchiveFailed                  the archiver stopped after the download had started
     └── VcsAccessRefused               a git/hg client may not do what it asked
          ├── LoginRequired             401: anonymous is not enough
          ├── RepositoryUnknown         404: no such repository, or one he may not see
          ├── PushNotAllowed            403: may read, may not push
          └── RepositoryLocked(repo_name, holder, reason)

Kinds of one error are enum members (:class:`RefProblem`, :class:`ReviewProblem`), never
strings, so an adapter's mapping can be checked for completeness. Adapters turn these into
their own vocabulary, each in one place: ``api/errors.py`` (the contract's strings),
``web/errors.py`` (HTTP answers), ``transport/endpoint.py`` (a VCS client's status and text).
"""

from __future__ import annotations

import enum


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    """An object does not exist, or the caller may not see it (the two look the same)."""

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} `{ident}` does not exist")
        self.kind = kind
        self.ident = ident


class AccessDenied(DomainError):
    """The caller lacks a global permission (super-admin, create rights)."""


class RegistrationClosed(AccessDenied):
    """The site does not let visitors sign up."""


class ResetDisabled(AccessDenied):
    """The site does not let users reset their password themselves."""


class NotCommentAuthor(AccessDenied):
    """The caller may read the comment but is neither its author, nor a super-admin, nor an
    administrator of its repository: he may not edit or delete it."""


class NotYourUser(DomainError):
    """A non-super-admin named another user (``userid``) than himself."""


class OwnerNotAllowed(DomainError):
    """A non-super-admin tried to set ``owner``."""


class AlreadyExists(DomainError):
    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} `{name}` already exists")
        self.kind = kind
        self.name = name


class Invalid(DomainError):
    """Input that breaks a rule (bad name, bad value). ``field`` names the argument."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Required(Invalid):
    def __init__(self, field: str) -> None:
        super().__init__(field, "Required")


class InvalidPermission(DomainError):
    """A permission name of the wrong family for the object."""

    def __init__(self, permission: str, prefix: str) -> None:
        super().__init__(f"permission `{permission}` is invalid, should start with {prefix}.")
        self.permission = permission
        self.prefix = prefix


class Conflict(DomainError):
    """The operation is refused by the state of things (still owns objects, is in use, ...)."""


class MailNotConfigured(Conflict):
    """The server sends no mail (no smtp_server): an administrator must reset the password."""


class DefaultUserProtected(Conflict):
    """The anonymous ``default`` user cannot be edited or deleted."""


class UserGroupInUse(Conflict):
    def __init__(self, repos: list[tuple[int, str]], repo_groups: list[tuple[int, str]]) -> None:
        super().__init__("user group still holds permissions")
        self.repos = repos
        self.repo_groups = repo_groups


class FieldExists(Conflict):
    """A repository's extra field is added under a key it already has (the message is the key)."""


class FieldMissing(Conflict):
    """A repository's extra field is removed under a key it does not have."""


class StorageError(DomainError):
    """The repository storage on disk could not be changed."""


class NotAFile(DomainError):
    """A file was asked for where the tree has a directory."""


class BadCommitRange(DomainError):
    """A range of commits naming what the repository does not have (a branch, a start or an
    end), or a start after its end; the text is Kallithea's."""


class RefProblem(enum.Enum):
    """What is wrong with a pull-request reference (``type:name[:commit]``)."""

    FORMAT = "format"  # not two or three non-empty parts
    UNKNOWN = "unknown"  # no branch/bookmark of that name
    COMMIT = "commit"  # the commit it names does not exist


class RefError(DomainError):
    """A pull-request reference that is wrong in the way ``problem`` says."""

    def __init__(self, problem: RefProblem, ref: str, ref_type: str = "", name: str = "") -> None:
        if not isinstance(problem, RefProblem):
            raise TypeError(f"RefError needs a RefProblem, got {problem!r}")
        super().__init__(f"{problem.value}: {ref}")
        self.problem = problem
        self.ref = ref
        self.ref_type = ref_type
        self.name = name


class ReviewProblem(enum.Enum):
    """Why a pull-request or review operation is refused. The comment says which field of
    :class:`ReviewError` the kind carries."""

    BAD_PULL_REQUEST_ID = "bad_pull_request_id"
    MIXED_REPO_TYPES = "mixed_repo_types"
    NO_COMMITS = "no_commits"
    NO_COMMON_ANCESTOR = "no_common_ancestor"
    REVIEWERS_NOT_LIST = "reviewers_not_list"
    MERGE_CLOSED = "merge_closed"  # pull_request_id
    CLOSE_DENIED = "close_denied"  # pull_request_id
    ALREADY_CLOSED = "already_closed"  # pull_request_id
    UPDATE_DENIED = "update_denied"  # pull_request_id
    UPDATE_CLOSED = "update_closed"  # pull_request_id
    COMMENT_EMPTY = "comment_empty"
    BAD_STATUS = "bad_status"  # status
    BAD_COMMENT_TYPE = "bad_comment_type"  # comment_type
    BAD_RESOLVES = "bad_resolves"  # comment_id
    BAD_COMMIT_STATUS = "bad_commit_status"  # status
    CLOSED_PR_STATUS = "closed_pr_status"
    REOPEN_DENIED = "reopen_denied"  # pull_request_id
    NOT_REOPENABLE = "not_reopenable"  # pull_request_id: open, or merged
    COMMENT_TYPE_FILTER = "comment_type_filter"  # comment_type (get_repo_comments' own text)


class ReviewError(DomainError):
    """A pull-request operation refused by its state, its input or the caller's rights.

    The payload fields hold what the client sent or named, as sent (they go into messages):
    ``pull_request_id`` the pull request, ``status`` a review status that is not one,
    ``comment_type`` a comment type that is not one, ``comment_id`` a comment to resolve that
    does not exist.
    """

    def __init__(
        self,
        problem: ReviewProblem,
        *,
        pull_request_id: object = None,
        status: object = None,
        comment_type: object = None,
        comment_id: object = None,
    ) -> None:
        if not isinstance(problem, ReviewProblem):
            raise TypeError(f"ReviewError needs a ReviewProblem, got {problem!r}")
        super().__init__(problem.value)
        self.problem = problem
        self.pull_request_id = pull_request_id
        self.status = status
        self.comment_type = comment_type
        self.comment_id = comment_id


class MergeRefused(DomainError):
    """The review rules forbid merging now (approval pending, TODOs open, merging disabled);
    ``reasons`` are the sentences a person reads, in the order they were checked."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = list(reasons)


class StaleComment(DomainError):
    """An edit based on a version of the comment that is no longer its newest."""

    def __init__(self, comment_id: object, version: object) -> None:
        super().__init__(f"comment ({comment_id}) version ({version}) mismatch")
        self.comment_id = comment_id
        self.version = version


class CommentFailed(DomainError):
    """A commit comment could not be stored (unknown commit, empty message, empty repository)."""

    def __init__(self, repo_name: str, reason: str) -> None:
        super().__init__(reason)
        self.repo_name = repo_name


class DownloadsDisabled(DomainError):
    def __init__(self, repo_name: str) -> None:
        super().__init__(f"Downloads are disabled for repository `{repo_name}`")
        self.repo_name = repo_name


class ArchiveFailed(DomainError):
    """The archiver stopped with an error after the download had started."""


class VcsAccessRefused(DomainError):
    """A git or hg client may not do what it asked (the transport answers with a status)."""


class LoginRequired(VcsAccessRefused):
    """Anonymous access is not enough: the client should ask for credentials (401)."""


class RepositoryUnknown(VcsAccessRefused):
    """No such repository, or one the user may not see (404)."""


class PushNotAllowed(VcsAccessRefused):
    """Authenticated, may read, but may not push (403)."""


class RepositoryLocked(VcsAccessRefused):
    def __init__(self, repo_name: str, holder: str, reason: str | None) -> None:
        super().__init__(f"Repository `{repo_name}` locked by user `{holder}`. Reason:`{reason}`")
        self.repo_name = repo_name
        self.holder = holder
        self.reason = reason
