"""The web layer's exception tree, and the plain-text answers to errors views let through.

The handlers Starlette calls are registered in one place, :mod:`vcshub.web.error_pages`: an
HTML page's error becomes a page in the site layout, every other answer is the plain one below.

::

    WebError
     ├── AuthenticationRefused(status, message, challenge)   credentials given and wrong, or
     │                                                        anonymous from a refused address
     ├── PasswordChangeRequired(page)                         the user must first pick a password
     ├── SignInRequired(came_from)                            a page only a signed-in user may see
     ├── CsrfRefused                                          a form posted without this session's
     │                                                        CSRF token (expired, or another site)
     └── LoginFailed                                          the sign-in form's answer (its text)

:func:`error_response` answers these and the lower layers' errors a view lets through:

    AuthenticationRefused                 its status and text (401 with a Basic challenge)
    PasswordChangeRequired                303 to its page
    SignInRequired                        303 to the sign-in page, coming back afterwards
    CsrfRefused                           403
    services NotFound                     404 "Not found: <what>"
    vcs CommitNotFound / NodeNotFound     404
    services DownloadsDisabled            403
    services AccessDenied, NotYourUser    403 (a global permission is missing)
    services Invalid, AlreadyExists,      400 with the rule's sentence (forms that show the
      Conflict, InvalidPermission         error beside the field catch Invalid themselves)
    services CommentFailed                400 "The comment was not saved: <reason>."
    services ReviewError                  400 (403 for a refused close/update) with the
                                          sentence of :data:`REVIEW_SENTENCES`
    services MergeRefused                 409 with the review rules' reasons
    services StaleComment                 409 (the comment changed since the page was read)
    services StorageError                 503
    anything else                         re-raised: it is a bug, the 500 page answers

LoginFailed never gets here: the sign-in form shows it (web/sessions.py).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp

from vcshub import vcs
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    CommentFailed,
    Conflict,
    DownloadsDisabled,
    Invalid,
    InvalidPermission,
    MergeRefused,
    NotFound,
    NotYourUser,
    ReviewError,
    ReviewProblem,
    StaleComment,
    StorageError,
)
from vcshub.web import download_responses as respond

# What a page says when a review operation is refused; every ReviewProblem has a sentence
# (checked at import), filled with the error's fields.
REVIEW_SENTENCES: Mapping[ReviewProblem, str] = {
    ReviewProblem.BAD_PULL_REQUEST_ID: "A pull request is named by its number.",
    ReviewProblem.MIXED_REPO_TYPES: "Both repositories must be of the same kind (git or hg).",
    ReviewProblem.NO_COMMITS: "There are no commits to review between these references.",
    ReviewProblem.NO_COMMON_ANCESTOR: "These references have no common ancestor.",
    ReviewProblem.REVIEWERS_NOT_LIST: "Reviewers must be given as a list.",
    ReviewProblem.MERGE_CLOSED: "Pull request {pull_request_id} is closed: it cannot be merged.",
    ReviewProblem.CLOSE_DENIED: "You may not close pull request {pull_request_id}.",
    ReviewProblem.ALREADY_CLOSED: "Pull request {pull_request_id} is already closed.",
    ReviewProblem.UPDATE_DENIED: "You may not update pull request {pull_request_id}.",
    ReviewProblem.UPDATE_CLOSED: "Pull request {pull_request_id} is closed: it cannot be updated.",
    ReviewProblem.COMMENT_EMPTY: "Write a comment or choose a status: nothing was sent.",
    ReviewProblem.BAD_STATUS: "`{status}` is not a review status.",
    ReviewProblem.BAD_COMMENT_TYPE: "`{comment_type}` is not a comment type (note or todo).",
    ReviewProblem.BAD_RESOLVES: "There is no comment `{comment_id}` to resolve here.",
    ReviewProblem.BAD_COMMIT_STATUS: "`{status}` is not a review status.",
    ReviewProblem.CLOSED_PR_STATUS: (
        "This commit belongs to a closed pull request: its status cannot change any more."
    ),
    ReviewProblem.REOPEN_DENIED: "You may not reopen pull request {pull_request_id}.",
    ReviewProblem.NOT_REOPENABLE: (
        "Pull request {pull_request_id} is open or merged: only a closed one can be reopened."
    ),
    ReviewProblem.COMMENT_TYPE_FILTER: "`{comment_type}` is not a comment type (note or todo).",
}
_REVIEW_FORBIDDEN = {ReviewProblem.CLOSE_DENIED, ReviewProblem.UPDATE_DENIED,
                     ReviewProblem.REOPEN_DENIED}


def _require_every_kind(messages: Mapping[enum.Enum, str], kinds: type[enum.Enum]) -> None:
    missing = [kind.name for kind in kinds if kind not in messages]
    if missing:
        raise RuntimeError(f"web/errors.py has no sentence for {kinds.__name__} {missing}")


_require_every_kind(REVIEW_SENTENCES, ReviewProblem)


class WebError(Exception):
    """Base of the errors the web layer raises itself."""


class AuthenticationRefused(WebError):
    """Credentials were given and are wrong (or anonymous visitors are refused from this
    address): answer ``status`` with ``message``, asking for Basic credentials if ``challenge``."""

    def __init__(self, status: int, message: str, challenge: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.challenge = challenge


class PasswordChangeRequired(WebError):
    """The signed-in user must choose a new password (at ``page``) before anything else."""

    def __init__(self, page: str) -> None:
        super().__init__(page)
        self.page = page


class SignInRequired(WebError):
    """Only a signed-in user may see this page: sign in, then come back to ``came_from``."""

    def __init__(self, came_from: str) -> None:
        super().__init__(came_from)
        self.came_from = came_from


class CsrfRefused(WebError):
    """A form came without the session's CSRF token: the page it came from is too old (the
    session changed) or another site posted it. Nothing was changed."""

    def __init__(self) -> None:
        super().__init__(
            "This form has expired or came from another site, so nothing was changed: "
            "go back, reload the page and try again."
        )


class LoginFailed(WebError):
    """A sign-in refused; the message is what the form shows."""


def error_response(exc: Exception) -> ASGIApp:
    """A plain-text answer for ``exc``; unknown errors are re-raised (they are bugs)."""
    if isinstance(exc, AuthenticationRefused):
        headers = {"WWW-Authenticate": 'Basic realm="vcshub"'} if exc.challenge else None
        return PlainTextResponse(exc.message + "\n", exc.status, headers=headers)
    if isinstance(exc, PasswordChangeRequired):
        return RedirectResponse(exc.page, status_code=303)
    if isinstance(exc, SignInRequired):
        return RedirectResponse(f"/_admin/login?{urlencode({'came_from': exc.came_from})}", 303)
    if isinstance(exc, CsrfRefused):
        return respond.text(f"{exc}\n", 403)
    if isinstance(exc, (AccessDenied, NotYourUser)):
        return respond.text("Forbidden: you may not do this\n", 403)
    if isinstance(exc, (Invalid, AlreadyExists, Conflict, InvalidPermission)):
        return respond.text(f"{exc}\n", 400)
    if isinstance(exc, CommentFailed):
        return respond.text(f"The comment was not saved: {exc}.\n", 400)
    if isinstance(exc, ReviewError):
        sentence = REVIEW_SENTENCES[exc.problem].format(
            pull_request_id=exc.pull_request_id, status=exc.status,
            comment_type=exc.comment_type, comment_id=exc.comment_id)
        return respond.text(f"{sentence}\n", 403 if exc.problem in _REVIEW_FORBIDDEN else 400)
    if isinstance(exc, MergeRefused):
        return respond.text("Not merged: " + " ".join(exc.reasons) + "\n", 409)
    if isinstance(exc, StaleComment):
        return respond.text("The comment was changed meanwhile: reload the page and edit it "
                            "again.\n", 409)
    if isinstance(exc, NotFound):
        return respond.text(f"Not found: {exc}\n", 404)
    if isinstance(exc, vcs.CommitNotFound):
        return respond.text("Not found: no such revision\n", 404)
    if isinstance(exc, vcs.NodeNotFound):
        return respond.text("Not found: no such file at this revision\n", 404)
    if isinstance(exc, DownloadsDisabled):
        return respond.text(f"{exc}\n", 403)
    if isinstance(exc, StorageError):
        return respond.text("The repository cannot be read from storage\n", 503)
    raise exc
