"""Every error kind the API can be handed has its own text from the contract (REFERENCE.md).

The texts are written out here on purpose: they are part of the contract and must not change,
and a kind added to an enum or a class added to a tree fails these tests until someone decides
what the client reads (instead of reaching it as "Internal server error").
"""

from __future__ import annotations

import pytest

from vcshub.api import errors as api_errors
from vcshub.api.errors import INTERNAL_ERROR, auth_message, contract_message
from vcshub.auth import errors as auth
from vcshub.services import errors as domain
from vcshub.services.errors import RefProblem, ReviewProblem

PR = 7
STATUSES = "['not_reviewed', 'approved', 'rejected', 'under_review']"

REVIEW_MESSAGES = {
    ReviewProblem.BAD_PULL_REQUEST_ID: "pullrequestid must be an integer",
    ReviewProblem.MIXED_REPO_TYPES: "source and target repositories must be of the same type",
    ReviewProblem.NO_COMMITS: "no commits found",
    ReviewProblem.NO_COMMON_ANCESTOR: "no common ancestor found",
    ReviewProblem.REVIEWERS_NOT_LIST: "reviewers should be specified as a list",
    ReviewProblem.MERGE_CLOSED: "pull request `7` merge failed, pull request is closed",
    ReviewProblem.CLOSE_DENIED: "pull request `7` close failed, no permission to close.",
    ReviewProblem.ALREADY_CLOSED: "pull request `7` is already closed",
    ReviewProblem.UPDATE_DENIED: "pull request `7` update failed, no permission to update.",
    ReviewProblem.UPDATE_CLOSED: "pull request `7` update failed, pull request is closed",
    ReviewProblem.COMMENT_EMPTY: "message and status parameter missing",
    ReviewProblem.BAD_STATUS: "unknown comment status`maybe`",
    ReviewProblem.BAD_COMMENT_TYPE: "comment_type must be one of ['note', 'todo'], got memo",
    ReviewProblem.BAD_RESOLVES: "comment `99` to resolve does not exist",
    ReviewProblem.BAD_COMMIT_STATUS: f"Bad status, must be on of {STATUSES} got maybe",
    ReviewProblem.CLOSED_PR_STATUS: (
        "Changing status on a changeset associated with a closed pull request is not allowed"
    ),
    ReviewProblem.REOPEN_DENIED: "pull request `7` reopen failed, no permission to reopen.",
    ReviewProblem.NOT_REOPENABLE: "pull request `7` is not closed or was merged",
    ReviewProblem.COMMENT_TYPE_FILTER: "comment_type must be one of `['note', 'todo']` got memo",
}

REF = "branch:feature"
REF_MESSAGES = {
    RefProblem.FORMAT: (
        "Ref `branch:feature` given in a wrong format. "
        "Please check the API documentation for more details"
    ),
    RefProblem.UNKNOWN: "The specified branch `feature` does not exist",
    RefProblem.COMMIT: "Ref `branch:feature` does not exist",
}

AUTH_MESSAGES = {
    auth.InvalidToken: "Invalid API KEY",
    auth.InactiveUser: "Request from this user not allowed",
    auth.IpNotAllowed: "Request from IP:10.1.2.3 not allowed",
    auth.BadTokenRole: "API KEY has bad role for an API call",
}

# One instance of every DomainError class and, for those with a contract text, that text.
# None: the method's own failure text applies (api_errors.WITHOUT_CONTRACT_TEXT).
DOMAIN_EXAMPLES = {
    domain.NotFound: (domain.NotFound("repository", "x"), "repository `x` does not exist"),
    domain.AccessDenied: (domain.AccessDenied(), "Access was denied to this resource."),
    domain.RegistrationClosed: (domain.RegistrationClosed(), "Access was denied to this resource."),
    domain.ResetDisabled: (domain.ResetDisabled(), "Access was denied to this resource."),
    domain.NotCommentAuthor: (domain.NotCommentAuthor(), "Access was denied to this resource."),
    domain.MailNotConfigured: (domain.MailNotConfigured("no mail"), None),
    domain.NotAFile: (domain.NotAFile("docs"), None),
    domain.BadCommitRange: (domain.BadCommitRange("start cannot be after end"), None),
    domain.NotYourUser: (domain.NotYourUser(), "userid is not the same as your user"),
    domain.OwnerNotAllowed: (
        domain.OwnerNotAllowed(),
        "Only RhodeCode admin can specify `owner` param",
    ),
    domain.AlreadyExists: (domain.AlreadyExists("repository", "x"), "repo `x` already exist"),
    domain.Invalid: (domain.Invalid("name", "bad"), None),
    domain.Required: (domain.Required("name"), "Validation failed: {'name': 'Required'}"),
    domain.InvalidPermission: (
        domain.InvalidPermission("group.read", "repository."),
        "permission `group.read` is invalid, should start with repository..",
    ),
    domain.Conflict: (domain.Conflict("busy"), None),
    domain.DefaultUserProtected: (
        domain.DefaultUserProtected(),
        "editing default user is forbidden",
    ),
    domain.UserGroupInUse: (
        domain.UserGroupInUse([(1, "r")], [(2, "g")]),
        "UserGroup assigned to <Repository('1:r')>,<RepoGroup('id:2:g')>",
    ),
    domain.FieldExists: (domain.FieldExists("k"), None),
    domain.FieldMissing: (domain.FieldMissing("k"), None),
    domain.StorageError: (domain.StorageError("disk"), None),
    domain.RefError: (
        domain.RefError(RefProblem.COMMIT, REF),
        "Ref `branch:feature` does not exist",
    ),
    domain.ReviewError: (
        domain.ReviewError(ReviewProblem.NO_COMMITS),
        "no commits found",
    ),
    domain.CommentFailed: (
        domain.CommentFailed("r", "empty comment"),
        "failed to set comment on repository `r`",
    ),
    domain.MergeRefused: (
        domain.MergeRefused(["Pull request reviewer approval is pending.",
                             "Cannot merge, 1 TODO still not resolved."]),
        "merge not possible for following reasons: Pull request reviewer approval is pending."
        ",Cannot merge, 1 TODO still not resolved.",
    ),
    domain.StaleComment: (domain.StaleComment(4, 1), "comment (4) version (1) mismatch"),
    domain.DownloadsDisabled: (domain.DownloadsDisabled("r"), None),
    domain.ArchiveFailed: (domain.ArchiveFailed("git archive failed"), None),
    domain.VcsAccessRefused: (domain.VcsAccessRefused(), None),
    domain.LoginRequired: (domain.LoginRequired(), None),
    domain.RepositoryUnknown: (domain.RepositoryUnknown(), None),
    domain.PushNotAllowed: (domain.PushNotAllowed(), None),
    domain.RepositoryLocked: (domain.RepositoryLocked("r", "bob", None), None),
}


def _subclasses(root: type) -> set[type]:
    found, todo = set(), [root]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return found


def test_the_tables_here_name_every_kind():
    assert set(REVIEW_MESSAGES) == set(ReviewProblem)
    assert set(REF_MESSAGES) == set(RefProblem)
    assert set(AUTH_MESSAGES) == _subclasses(auth.AuthError)
    assert set(DOMAIN_EXAMPLES) == _subclasses(domain.DomainError)


@pytest.mark.parametrize("problem", list(ReviewProblem), ids=lambda p: p.name)
def test_every_review_problem_has_its_contract_text(problem):
    exc = domain.ReviewError(
        problem, pull_request_id=PR, status="maybe", comment_type="memo", comment_id=99
    )
    assert contract_message(exc) == REVIEW_MESSAGES[problem]


@pytest.mark.parametrize("problem", list(RefProblem), ids=lambda p: p.name)
def test_every_ref_problem_has_its_contract_text(problem):
    exc = domain.RefError(problem, REF, "branch", "feature")
    assert contract_message(exc) == REF_MESSAGES[problem]


def test_review_texts_are_all_different():
    """A kind sharing another's text would be a kind the client cannot tell apart."""
    assert len(set(REVIEW_MESSAGES.values())) == len(ReviewProblem)


@pytest.mark.parametrize("cls", list(AUTH_MESSAGES), ids=lambda c: c.__name__)
def test_every_auth_error_has_its_contract_text(cls):
    exc = cls("10.1.2.3") if cls is auth.IpNotAllowed else cls()
    assert auth_message(exc) == AUTH_MESSAGES[cls]
    assert auth_message(exc) != INTERNAL_ERROR


@pytest.mark.parametrize("cls", list(DOMAIN_EXAMPLES), ids=lambda c: c.__name__)
def test_every_domain_error_is_mapped_or_deliberately_left_to_the_method(cls):
    exc, expected = DOMAIN_EXAMPLES[cls]
    assert type(exc) is cls
    message = contract_message(exc)
    assert message == expected
    assert message != INTERNAL_ERROR
    assert (message is None) == (cls in api_errors.WITHOUT_CONTRACT_TEXT)


def test_a_kind_without_text_stops_the_import():
    """The check api/errors.py runs on itself when imported, given a table one kind short."""
    short = {kind: "text" for kind in ReviewProblem if kind is not ReviewProblem.NO_COMMITS}
    with pytest.raises(RuntimeError, match="NO_COMMITS"):
        api_errors._require_every_kind(short, ReviewProblem)
    api_errors._require_every_kind(api_errors._REVIEW_MESSAGES, ReviewProblem)
    api_errors._require_every_kind(api_errors._REF_MESSAGES, RefProblem)


def test_a_kind_is_never_a_string():
    with pytest.raises(TypeError):
        domain.ReviewError("no_commits")
    with pytest.raises(TypeError):
        domain.RefError("format", REF)
