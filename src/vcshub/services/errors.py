"""The domain's exception tree. Adapters map these to their own vocabulary (api/errors.py)."""

from __future__ import annotations


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


class DefaultUserProtected(Conflict):
    """The anonymous ``default`` user cannot be edited or deleted."""


class UserGroupInUse(Conflict):
    def __init__(self, repos: list[tuple[int, str]], repo_groups: list[tuple[int, str]]) -> None:
        super().__init__("user group still holds permissions")
        self.repos = repos
        self.repo_groups = repo_groups


class StorageError(DomainError):
    """The repository storage on disk could not be changed."""


class RefError(DomainError):
    """A pull-request reference that is malformed (`format`), names nothing (`unknown`), or
    names a commit that does not exist (`commit`)."""

    def __init__(self, problem: str, ref: str, ref_type: str = "", name: str = "") -> None:
        super().__init__(f"{problem}: {ref}")
        self.problem = problem
        self.ref = ref
        self.ref_type = ref_type
        self.name = name


class ReviewError(DomainError):
    """A pull-request operation refused by its state or the caller's rights.

    ``problem`` is one of: bad_pull_request_id, mixed_repo_types, no_commits, no_common_ancestor,
    reviewers_not_list, merge_closed,
    close_denied, already_closed, update_denied, update_closed, comment_empty, bad_status,
    bad_commit_status, closed_pr_status.
    """

    def __init__(self, problem: str, pull_request_id: object = None, status: object = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.pull_request_id = pull_request_id
        self.status = status


class CommentFailed(DomainError):
    """A commit comment could not be stored (unknown commit, empty message, empty repository)."""

    def __init__(self, repo_name: str, reason: str) -> None:
        super().__init__(reason)
        self.repo_name = repo_name
