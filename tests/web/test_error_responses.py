"""web/errors.py answers every error of the web tree a view lets through, and the lower layers'
errors it knows, with the status and text pages have always had; anything else is a bug and
goes on to Starlette (500). The live pages are covered by the other tests here; this one
enumerates the tree, so a class added to it needs an answer (or a reason, as LoginFailed)."""

from __future__ import annotations

import pytest

from vcshub import vcs
from vcshub.services import errors as domain
from vcshub.web import errors as web
from vcshub.web.errors import error_response

# class -> (an instance, status, body, the Location or WWW-Authenticate header it carries)
ANSWERS = {
    web.AuthenticationRefused: (
        web.AuthenticationRefused(401, "Authentication required", challenge=True),
        401,
        "Authentication required\n",
        ("www-authenticate", 'Basic realm="vcshub"'),
    ),
    web.PasswordChangeRequired: (
        web.PasswordChangeRequired("/_admin/my_account/password"),
        303,
        "",
        ("location", "/_admin/my_account/password"),
    ),
    web.SignInRequired: (
        web.SignInRequired("/_admin/my_account?x=1"),
        303,
        "",
        ("location", "/_admin/login?came_from=%2F_admin%2Fmy_account%3Fx%3D1"),
    ),
    web.CsrfRefused: (
        web.CsrfRefused(),
        403,
        "This form has expired or came from another site, so nothing was changed: "
        "go back, reload the page and try again.\n",
        ("content-type", "text/plain; charset=utf-8"),
    ),
}
# The sign-in form shows this one itself (web/sessions.py); a view never lets it through.
NOT_ANSWERED = {web.LoginFailed}


def _web_tree() -> set[type]:
    found, todo = set(), [web.WebError]
    while todo:
        for cls in todo.pop().__subclasses__():
            found.add(cls)
            todo.append(cls)
    return found


def test_every_web_error_has_an_answer_or_a_reason():
    assert set(ANSWERS) | NOT_ANSWERED == _web_tree()
    assert not set(ANSWERS) & NOT_ANSWERED


@pytest.mark.parametrize("cls", list(ANSWERS), ids=lambda c: c.__name__)
def test_web_errors_are_answered(cls):
    exc, status, body, (header, value) = ANSWERS[cls]
    response = error_response(exc)
    assert response.status_code == status
    assert response.body.decode() == body
    assert response.headers[header] == value


def test_a_refusal_without_challenge_asks_for_no_credentials():
    response = error_response(web.AuthenticationRefused(403, "Invalid or expired auth token"))
    assert response.status_code == 403
    assert response.body == b"Invalid or expired auth token\n"
    assert "www-authenticate" not in response.headers


@pytest.mark.parametrize(
    "exc, status, body",
    [
        (domain.NotFound("repository", "r"), 404, "Not found: repository `r` does not exist\n"),
        (vcs.CommitNotFound("x"), 404, "Not found: no such revision\n"),
        (vcs.NodeNotFound("x"), 404, "Not found: no such file at this revision\n"),
        (domain.DownloadsDisabled("r"), 403, "Downloads are disabled for repository `r`\n"),
        (domain.StorageError("x"), 503, "The repository cannot be read from storage\n"),
        (domain.AccessDenied(), 403, "Forbidden: you may not do this\n"),
        (domain.NotYourUser(), 403, "Forbidden: you may not do this\n"),
        (domain.Invalid("name", "is too long"), 400, "name: is too long\n"),
        (domain.AlreadyExists("repository", "r"), 400, "repository `r` already exists\n"),
        (domain.Conflict("still owns repositories"), 400, "still owns repositories\n"),
        (domain.CommentFailed("r", "a comment needs some text"), 400,
         "The comment was not saved: a comment needs some text.\n"),
        (domain.ReviewError(domain.ReviewProblem.BAD_STATUS, status="great"), 400,
         "`great` is not a review status.\n"),
        (domain.ReviewError(domain.ReviewProblem.CLOSE_DENIED, pull_request_id=7), 403,
         "You may not close pull request 7.\n"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_lower_layers_errors_are_answered(exc, status, body):
    response = error_response(exc)
    assert (response.status_code, response.body.decode()) == (status, body)


@pytest.mark.parametrize(
    "exc", [web.LoginFailed("Invalid username or password"), domain.ArchiveFailed("x"), KeyError("x")]
)
def test_anything_else_is_re_raised(exc):
    with pytest.raises(type(exc)):
        error_response(exc)
