"""Forking a repository, ``/<repo>/fork`` (form and POST), and its forks, ``/<repo>/forks``.

Who may fork, where, and which forks a viewer sees are the services' decisions
(:mod:`vcshub.services.fork_views`, :func:`vcshub.services.repos.fork_repo`). The POST runs
``fork_repo`` exactly as the API does: it commits its checks, clones with no transaction open,
and creates the row in a new transaction (services/repos.py), so the clone holds no write lock.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import fork_views, repos
from vcshub.services.errors import AccessDenied, AlreadyExists, Conflict, Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import sessions
from vcshub.web.errors import SignInRequired
from vcshub.web.repo_views import READING, Context, View, exact, form_token, render, repo_url

# The form's fields are RhodeCode's names; the service's argument names map onto them.
FIELD_OF_ARGUMENT = {"fork_name": "repo_name"}


def _places(uow: UnitOfWork, context: Context) -> fork_views.ForkPlaces:
    if context.viewer is None:
        raise SignInRequired(context.path)
    places = fork_views.fork_places(uow, context.viewer)
    if not places.may_fork:
        raise AccessDenied()
    return places


def _default_group(repo: Repository, places: fork_views.ForkPlaces) -> str:
    """The source's own group when the viewer may create there, RhodeCode's default."""
    own = repo.repo_name.rpartition("/")[0]
    if own in places.groups or (not own and places.top_level):
        return own
    return "" if places.top_level else (places.groups[0] if places.groups else "")


def fork(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    places = _places(uow, context)
    if context.method in READING:
        values = {"repo_name": f"{repo.repo_name.rpartition('/')[2]}-fork",
                  "repo_group": _default_group(repo, places),
                  "description": repo.description, "private": repo.private,
                  "copy_permissions": True}
        return _form(context, repo, places, values, {})
    form = context.form
    values = {
        "repo_name": str(form.get("repo_name") or "").strip(),
        "repo_group": str(form.get("repo_group") or ""),
        "description": str(form.get("description") or ""),
        "private": form.get("private") == "on",
        "copy_permissions": form.get("copy_permissions") == "on",
    }
    group = values["repo_group"]
    if not (group in places.groups or (group == "" and places.top_level)):
        return _form(context, repo, places, values,
                     {"repo_group": "Choose a group where you may create repositories."})
    spec = repos.RepoSpec(description=values["description"], private=values["private"],
                          copy_permissions=values["copy_permissions"])
    name = f"{group}/{values['repo_name']}" if group and values["repo_name"] else values["repo_name"]
    caller = Caller(uow.db, context.viewer)
    try:
        created = repos.fork_repo(uow, caller, repos.fork_source(uow, caller, repo.repo_id),
                                  name, spec)
    except (Invalid, AlreadyExists, Conflict) as refused:
        # Nothing of the fork may stay: drop whatever the unit did before the refusal (the
        # service refuses before it writes, this makes sure of it), then show the form again.
        uow.rollback()
        field = FIELD_OF_ARGUMENT.get(getattr(refused, "field", "fork_name"), "repo_name")
        reason = refused.reason if isinstance(refused, Invalid) else str(refused)
        return _form(context, repo, places, values, {field: reason}, status=400)
    sessions.flash(context.session, f"Forked {repo.repo_name} as {created.repo_name}.", "info")
    return RedirectResponse(repo_url(created), status_code=303)


def _form(context: Context, repo: Repository, places: fork_views.ForkPlaces, values: dict,
          errors: dict[str, str], status: int = 200) -> Response:
    return render(context, repo, "fork.html", status=status, places=places, values=values,
                  errors=errors, csrf_name=sessions.CSRF_KEY, form_csrf=form_token(context))


def forks(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    return render(context, repo, "forks.html",
                  forks=fork_views.visible_forks(uow, context.viewer, repo))


FORK = View("fork", ("ForksController:fork", "ForksController:fork_create",
                    "RepoForksView:repo_fork_new", "RepoForksView:repo_fork_create"), fork,
            methods=frozenset({"GET", "HEAD", "POST"}))
FORKS = View("forks", ("ForksController:forks", "RepoForksView:repo_forks_show_all"), forks)



def _fork(rest: list[str]):
    """``fork`` (Kallithea's form and POST) or ``fork/create`` (RhodeCode 4's POST)."""
    return (FORK, ()) if rest in ([], ["create"]) else None


KEYWORDS = {"fork": _fork, "forks": exact(FORKS)}
