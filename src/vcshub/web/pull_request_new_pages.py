"""Opening a pull request: the form ``/<repo>/pull-request/new`` (RhodeCode's ``pullrequest_new``)
and its POST ``/<repo>/pull-request/create`` (``pullrequest_create``).

The form is one page: source and target (repository and ref), title, description, reviewers
and a reason, with the preview of the commits and the diff below. ``Preview`` re-renders it (a
GET with the refs, or a POST of the whole form so the text typed is kept); a little script
reloads the preview alone when a ref changes. What may be picked and the creation itself are
:mod:`vcshub.services.pull_request_drafts`'s; errors go to web/error_pages.py.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import pull_request_drafts as drafts
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import page_requests, sessions
from vcshub.web.diff_pages import STYLE, DiffOptions
from vcshub.web.diff_render import render_files
from vcshub.web.errors import SignInRequired
from vcshub.web.markup import markdown
from vcshub.web.page_requests import PageRequest
from vcshub.web.repo_views import READING, Context, Parser, View, form_token, render, repo_url

USERS_PATH = "/_users"  # RhodeCode's user_autocomplete_data: ``?query=<start of a name>``
FIELDS = ("title", "description", "reviewers", "reason")
_POSTING = frozenset({"GET", "HEAD", "POST"})


def _values(context: Context) -> dict[str, str]:
    """The form's fields, from the POST or (a preview link) the query."""
    source = context.form if context.method not in READING else context.query
    return {key: str(source.get(key) or "") for key in
            ("source_repo", "source_ref", "target_repo", "target_ref", *FIELDS)}


def _sides(uow: UnitOfWork, repo: Repository, context: Context, values: dict[str, str]):
    """Source and target as chosen (defaults: this repository's default branch, into the
    parent's default branch, or this repository's)."""
    if context.viewer is None:
        raise SignInRequired(context.path)
    viewer = context.viewer
    source_repo = (drafts.family_repo(uow, viewer, repo, values["source_repo"])
                   if values["source_repo"] else repo)
    target_repo = (drafts.family_repo(uow, viewer, repo, values["target_repo"])
                   if values["target_repo"] else drafts.default_target(uow, viewer, repo))
    return (drafts.side(uow, source_repo, "source_ref", values["source_ref"]),
            drafts.side(uow, target_repo, "target_ref", values["target_ref"]))


def new(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """The form; with ``preview`` (a button, or the script's GET) the comparison below it."""
    values = _values(context)
    source, target = _sides(uow, repo, context, values)
    shown = context.method not in READING or bool(context.query.get("preview"))
    comparison = drafts.preview(uow, context.viewer, source, target) if shown else None
    options = DiffOptions.of(context)
    template = "pull_request_preview.html" if context.query.get("part") == "preview" else \
        "pull_request_new.html"
    return render(
        context, repo, template,
        family=[member.repo_name for member in drafts.family(uow, context.viewer, repo)],
        source=source, target=target,
        source_refs=drafts.ref_names(uow, source.repo),
        target_refs=drafts.ref_names(uow, target.repo),
        reviewer_choices=drafts.reviewer_choices(uow),
        values=values, comparison=comparison,
        views=render_files(comparison.files, options.mode) if comparison else [],
        options=options, markdown=markdown, style=STYLE,
        source_url=repo_url(source.repo),
        csrf_name=sessions.CSRF_KEY, form_csrf=form_token(context),
    )


def reviewer_names(text: str) -> list[str]:
    """Reviewers as typed: separated by commas, spaces or lines; repeats dropped."""
    names = text.replace(",", " ").split()
    return list(dict.fromkeys(names))


def create(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """Create, then go to the pull request on its target repository."""
    values = _values(context)
    source, target = _sides(uow, repo, context, values)
    made = drafts.create(uow, Caller(uow.db, context.viewer), source, target, values["title"],
                         values["description"], reviewer_names(values["reviewers"]),
                         values["reason"])
    sessions.flash(context.session, f"Pull request #{made.pull_request_id} opened.", "info")
    return RedirectResponse(
        f"/{quote(made.target_repo.repo_name)}/pull-request/{made.pull_request_id}",
        status_code=303)


# Kallithea's names, then RhodeCode 4's (api_access_controllers_whitelist matches them).
NEW = View("pull_request_new", ("PullrequestsController:index",
                                "RepoPullRequestsView:pull_request_new"), new, methods=_POSTING)
CREATE = View("pull_request_create", ("PullrequestsController:create",
                                      "RepoPullRequestsView:pull_request_create"), create,
              methods=frozenset({"POST"}))


def with_new(parser: Parser) -> Parser:
    """``pull-request/new`` and ``pull-request/create`` before the other pull-request URLs."""
    def parse(rest: list[str]):
        if rest == ["new"]:
            return NEW, ()
        if rest == ["create"]:
            return CREATE, ()
        return parser(rest)
    return parse


def _user_suggestions(uow: UnitOfWork, page: PageRequest) -> Response:
    names = drafts.reviewer_choices(uow, page.query.get("query", ""), drafts.MAX_SUGGESTIONS)
    return JSONResponse({"suggestions": [{"value": name, "username": name} for name in names]})


async def user_suggestions(request: Request) -> Response:
    """The reviewers box's autocomplete, for signed-in users only."""
    return await page_requests.answer(request, _user_suggestions, USERS_NAMES, signed_in=True)


USERS_NAMES = ("HomeView:user_autocomplete_data",)
ROUTES = [Route(USERS_PATH, user_suggestions, methods=["GET", "HEAD"])]
