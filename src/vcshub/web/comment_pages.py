"""Commenting in the browser: commit comments on ``/<repo>/changeset/<id>``, in RhodeCode's
URLs, and the pieces the pull-request page reuses.

* ``POST /<repo>/changeset/<id>/comment/create`` adds a general or inline comment (RhodeCode's
  fields: ``text``, ``comment_type``, ``changeset_status``, ``f_path``, ``line`` as ``n12`` /
  ``o3``, ``resolves_comment_id``); its GET is the form alone, where the diff's per-line buttons
  (which need script) are replaced by a line field;
* ``POST /<repo>/changeset/<id>/comment/<comment_id>/edit`` and ``.../delete``;
* ``POST /<repo>/changeset/<id>/comment/preview``: the Markdown as the page will show it.

Every change goes through :mod:`vcshub.services.comments`, which checks the caller itself;
this module only reads the form and answers (a redirect back to the comment, or the error
page of web/error_pages.py). Anonymous visitors see the comments and none of the forms.

Reused by the review page: :class:`CommentUi` (what ``templates/comments.html`` needs),
:class:`CommentForm` (the posted fields) and :func:`back_to`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.responses import HTMLResponse, RedirectResponse, Response

from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import comments, repo_contents, reviews
from vcshub.services.errors import Invalid
from vcshub.services.repo_contents import CommentRecord
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import sessions
from vcshub.web.errors import SignInRequired
from vcshub.web.markup import markdown
from vcshub.web.repo_views import Context, View, form_token, render, repo_url

TEXT_LIMIT = 100_000  # characters of one comment; RhodeCode stores Text, a page must stay usable
_LINE = re.compile(r"^[no][0-9]{1,9}$")  # RhodeCode's line ids: n<new line> / o<old line>
# Query/form values a page keeps across a change (the diff's view mode).
KEPT = ("diffmode",)


@dataclass(frozen=True)
class CommentUi:
    """What ``templates/comments.html`` needs to draw threads and forms on one page.

    ``actions_url`` ends in ``/comment``: a new comment posts to ``<actions_url>/create``, a
    comment's edit and delete to ``<actions_url>/<id>/edit|delete``. ``csrf`` is None for an
    anonymous visitor: he gets no form at all. ``changeable``: the ids of the comments the
    viewer may edit and delete (the service's rule). ``statuses``: the votes the general form
    offers (empty: none). ``kept``: hidden fields that bring the viewer back to the same view.
    """

    actions_url: str
    csrf: str | None = None
    changeable: frozenset[int] = frozenset()
    statuses: Mapping[str, str] = field(default_factory=dict)
    kept: Mapping[str, str] = field(default_factory=dict)
    sign_in_url: str = "/_admin/login"
    markdown: Callable[[str], Markup] = markdown
    status_labels: Mapping[str, str] = field(default_factory=lambda: reviews.STATUS_LABELS)

    @property
    def signed_in(self) -> bool:
        return self.csrf is not None

    @property
    def create_url(self) -> str:
        return self.actions_url + "/create"


@dataclass(frozen=True)
class CommentForm:
    """A posted comment form, as RhodeCode's comment views read it. Values are passed to the
    service as sent: it judges them (type, status, the TODO to resolve)."""

    text: str
    comment_type: str
    status: str | None
    f_path: str | None
    line: str | None
    resolves_comment_id: str | None

    @classmethod
    def of(cls, context: Context) -> CommentForm:
        def value(name: str) -> str:
            raw = context.form.get(name) if context.form is not None else None
            if raw is not None and not isinstance(raw, str):
                raise Invalid(name, "must be text")
            return raw or ""

        text = value("text")
        if len(text) > TEXT_LIMIT:
            raise Invalid("text", f"a comment may hold at most {TEXT_LIMIT:,} characters")
        line = value("line").strip() or _typed_line(value("line_side"), value("line_number"))
        if line and not _LINE.match(line):
            raise Invalid("line", "a line is n<number> (new file) or o<number> (old file)")
        f_path = value("f_path").strip() or None
        if line and not f_path:
            raise Invalid("f_path", "a comment on a line needs the file's path")
        return cls(
            text=text,
            comment_type=value("comment_type").strip() or "note",
            status=value("changeset_status").strip() or None,
            f_path=f_path,
            line=line or None,
            resolves_comment_id=value("resolves_comment_id").strip() or None,
        )

    @property
    def options(self) -> comments.CommentOptions:
        return comments.CommentOptions(self.comment_type, self.f_path, self.line,
                                       self.resolves_comment_id)


def _typed_line(side: str, number: str) -> str:
    """The form page's line field (no script): a side and a number."""
    number = number.strip()
    return f"{'o' if side == 'old' else 'n'}{number}" if number else ""


def kept_values(context: Context) -> dict[str, str]:
    """The view options of the request (query or form) worth keeping after a change."""
    found = {}
    for name in KEPT:
        raw = context.form.get(name) if context.form is not None else None
        raw = raw if isinstance(raw, str) else context.query.get(name)
        if raw:
            found[name] = raw
    return found


def back_to(context: Context, page_url: str, anchor: str = "", message: str = "") -> Response:
    """After a change: the page again (POST-redirect-GET), in the view it was shown in, at
    ``anchor``; ``message`` is said once at its top."""
    if message:
        sessions.flash(context.session, message, "info")
    kept = {k: v for k, v in kept_values(context).items() if k == "diffmode" and v == "sideside"}
    query = "?" + urlencode(kept) if kept else ""
    return RedirectResponse(page_url + query + (f"#{anchor}" if anchor else ""), status_code=303)


def signed_in_caller(uow: UnitOfWork, context: Context) -> Caller:
    """The viewer as the services' caller; an anonymous visitor is sent to sign in first."""
    if context.viewer is None:
        raise SignInRequired(context.path)
    return Caller(uow.db, context.viewer)


def ui_for(uow: UnitOfWork, context: Context, repo: Repository, actions_url: str,
           records: Sequence[CommentRecord], statuses: Mapping[str, str] | None = None
           ) -> CommentUi:
    """The widgets' values for the viewer: forms only for a signed-in one, edit and delete
    buttons on the comments the service says he may change."""
    if context.viewer is None:
        return CommentUi(actions_url, sign_in_url=_sign_in(context))
    caller = Caller(uow.db, context.viewer)
    changeable = comments.changeable_ids(
        caller, repo, {r.comment_id: r.author_id for r in records if r.author_id is not None})
    return CommentUi(actions_url, form_token(context), changeable,
                     statuses if statuses is not None else reviews.STATUS_LABELS,
                     kept_values(context))


def _sign_in(context: Context) -> str:
    return "/_admin/login?" + urlencode({"came_from": context.path})


# -- commit comments -----------------------------------------------------------------------------

def changeset_url(repo: Repository, commit_id: str) -> str:
    return f"{repo_url(repo)}/changeset/{quote(commit_id)}"


def _place(repo: Repository, commit_id: str) -> comments.Place:
    return comments.Place(repo.repo_id, commit_id=commit_id)


def create(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    if context.method != "POST":
        return _form_page(uow, repo, args[0], context)
    form = CommentForm.of(context)
    comment, full_id, _name = comments.comment_commit(
        uow, caller, repo.repo_name, args[0], form.text, form.status, options=form.options)
    return back_to(context, changeset_url(repo, full_id), f"comment-{comment.comment_id}")


def _form_page(uow: UnitOfWork, repo: Repository, revision: str, context: Context) -> Response:
    """The comment form on a page of its own, for a browser without script: a line comment
    names its file (``?f_path=``) and takes the line from a field."""
    commit = repo_contents.commit_at(repo_contents.backend(uow, repo), revision)
    url = changeset_url(repo, commit.raw_id)
    ui = ui_for(uow, context, repo, url + "/comment", ())
    f_path = context.query.get("f_path", "")
    line = context.query.get("line", "")
    return render(context, repo, "comment_form.html", commit=commit, ui=ui, back_url=url,
                  f_path=f_path, line=line if _LINE.match(line) else "")


def edit(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    commit_id = repo_contents.commit_at(repo_contents.backend(uow, repo), args[0]).raw_id
    text = CommentForm.of(context).text
    comments.edit_comment(uow, caller, args[1], text, _place(repo, commit_id),
                          version=edited_version(context))
    return back_to(context, changeset_url(repo, commit_id), f"comment-{args[1]}",
                   "Comment saved.")


def edited_version(context: Context) -> str | None:
    """The version of the comment the edit form was drawn from (absent from an older form:
    then the edit is not checked against a newer one)."""
    raw = context.form.get("version") if context.form is not None else None
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def delete(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    commit_id = repo_contents.commit_at(repo_contents.backend(uow, repo), args[0]).raw_id
    comments.delete_comment(uow, caller, args[1], _place(repo, commit_id))
    return back_to(context, changeset_url(repo, commit_id), "comments-title", "Comment deleted.")


def preview(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """The text rendered as the comment will be (sanitised), for the forms' Preview button."""
    signed_in_caller(uow, context)
    return HTMLResponse(str(markdown(CommentForm.of(context).text)),
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


POSTS = frozenset({"POST"})
FORM_AND_POST = frozenset({"GET", "HEAD", "POST"})
# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
CREATE = View("changeset", ("ChangesetController:comment",
                           "RepoCommitsView:repo_commit_comment_create"),
              create, methods=FORM_AND_POST)
EDIT = View("changeset", ("ChangesetController:edit_comment",
                         "RepoCommitsView:repo_commit_comment_edit"), edit, methods=POSTS)
DELETE = View("changeset", ("ChangesetController:delete_comment",
                            "RepoCommitsView:repo_commit_comment_delete"), delete, methods=POSTS)
PREVIEW = View("changeset", ("ChangesetController:preview_comment",
                             "RepoCommitsView:repo_commit_comment_preview"), preview, html=False,
               methods=POSTS)
_BY_ACTION = {"edit": EDIT, "delete": DELETE}


def commit_comment_view(rest: list[str]) -> tuple[View, tuple] | None:
    """``<id>/comment/create``, ``<id>/comment/preview``, ``<id>/comment/<n>/edit|delete``
    (what follows ``changeset/``); None for anything else."""
    if len(rest) < 3 or not rest[0] or rest[1] != "comment":
        return None
    if len(rest) == 3:
        return {"create": (CREATE, (rest[0],)), "preview": (PREVIEW, (rest[0],))}.get(rest[2])
    if len(rest) == 4 and rest[3] in _BY_ACTION and rest[2]:
        return _BY_ACTION[rest[3]], (rest[0], rest[2])
    return None
