"""What the repository settings pages share: who may see them, their tabs, reading their
forms, and the answer after a change.

Only the repository's administrators (super-admins included) see ``/<repo>/settings/...``:
everyone else, anonymous visitors too, gets the 404 a missing page gets, because the service
that looks the repository up for them (``repos.administered``) says it does not exist. Each
change is made by a service that checks the caller again itself.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import repos
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import sessions
from vcshub.web.repo_views import Context, form_token, render, repo_url

# (path after /<repo>/settings, tab name): RhodeCode's settings tabs that vcshub has
TABS = (("", "Settings"), ("/permissions", "Permissions"), ("/advanced", "Advanced"),
        ("/vcs", "VCS"), ("/fields", "Extra fields"), ("/remote", "Remote"))


def administrator(uow: UnitOfWork, repo: Repository, context: Context) -> Caller:
    """The viewer as a caller, if he administers ``repo``; NotFound (404) for everyone else."""
    if context.viewer is None:
        raise NotFound("repository", repo.repo_name)
    caller = Caller(uow.db, context.viewer)
    repos.administered(uow, caller, repo.repo_name)  # by name: the missing page's very words
    return caller


def page(context: Context, repo: Repository, template: str, tab: str, status: int = 200,
         **values: object) -> Response:
    """A settings page: the repository's layout, the tabs, and the forms' CSRF token."""
    return render(context, repo, template, status=status, tabs=TABS, tab=tab,
                  settings_url=repo_url(repo) + "/settings", csrf_name=sessions.CSRF_KEY,
                  form_csrf=form_token(context), **values)


def done(context: Context, location: str, message: str) -> Response:
    """After a change: say what was done on the next page, and go there (POST-redirect-GET)."""
    sessions.flash(context.session, message, "info")
    return RedirectResponse(location, status_code=303)


def text(context: Context, name: str, limit: int = 10_000) -> str:
    value = context.form.get(name) if context.form is not None else None
    if value is not None and not isinstance(value, str):
        raise Invalid(name, "must be text")
    return (value or "").strip()[:limit]


def checked(context: Context, name: str) -> bool:
    """An HTML checkbox: sent (as "on") only when ticked."""
    return context.form is not None and context.form.get(name) in ("on", "true", "1")


def choice(context: Context, name: str, allowed: dict[str, str]) -> str:
    """One of ``allowed``'s keys (a select's options); anything else is refused."""
    value = text(context, name)
    if value not in allowed:
        raise Invalid(name, f"choose one of: {', '.join(allowed.values())}")
    return value
