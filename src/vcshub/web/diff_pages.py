"""The pages that show a diff: a changeset, ``/<repo>/changeset/<id>``, and a comparison,
``/<repo>/compare/<type>@<ref>...<type>@<ref>`` (RhodeCode 4's URL; ``?target_repo=`` puts
the second ref in a fork), with ``/<repo>/compare`` alone showing the form that picks them.

Both draw their diff with web/diff_render.py and the ``diff.html`` macros, in RhodeCode's
``?diffmode=sideside|unified`` and ``?ignorews=1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from pygments.formatters import HtmlFormatter
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import comment_pages
from vcshub.web.diff_render import SIDE_BY_SIDE, UNIFIED, placed_ids, render_files
from vcshub.web.markup import markdown
from vcshub.web.repo_views import Context, View, render, repo_url

# Pygments' token colours, scoped to the diff tables (the classes diff_render writes).
STYLE = Markup(HtmlFormatter().get_style_defs(".diff .code"))
REF_TYPES = {"branch", "tag", "book", "rev"}  # RhodeCode's <type>@<ref>
_URL_TYPES = {"branch": "branch", "tag": "tag", "bookmark": "book"}  # ref kind → URL type
_LABELS = {"branch": "branches", "tag": "tags", "bookmark": "bookmarks"}


@dataclass(frozen=True)
class DiffOptions:
    """How the page draws its diff, and the links that flip each option (the other query
    parameters kept)."""

    mode: str
    ignore_whitespace: bool
    mode_url: str
    whitespace_url: str

    @classmethod
    def of(cls, context: Context) -> DiffOptions:
        mode = SIDE_BY_SIDE if context.query.get("diffmode") == SIDE_BY_SIDE else UNIFIED
        ignore = context.query.get("ignorews") in ("1", "true")
        other_mode = UNIFIED if mode == SIDE_BY_SIDE else SIDE_BY_SIDE
        return cls(
            mode, ignore,
            _with(context, diffmode=None if other_mode == UNIFIED else other_mode),
            _with(context, ignorews=None if ignore else "1"),
        )


def _with(context: Context, **changes: str | None) -> str:
    query = {**context.query, **changes}
    kept = {key: value for key, value in query.items() if value is not None}
    return quote(context.path) + ("?" + urlencode(kept) if kept else "")


def changeset(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    options = DiffOptions.of(context)
    diff = repo_contents.changeset_diff(uow, repo, args[0],
                                        ignore_whitespace=options.ignore_whitespace)
    comments = repo_contents.commit_comments(uow, repo, diff.commit.raw_id)
    actions_url = comment_pages.changeset_url(repo, diff.commit.raw_id) + "/comment"
    views = render_files(diff.files, options.mode, comments)
    return render(
        context, repo, "changeset.html",
        commit=diff.commit,
        views=views,
        placed=placed_ids(views),
        omitted=diff.omitted,
        comments=comments,
        options=options,
        markdown=markdown,
        ui=comment_pages.ui_for(uow, context, repo, actions_url, comments),
        style=STYLE,
    )


def compare(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    (base_type, base_ref), (head_type, head_ref) = args
    options = DiffOptions.of(context)
    target = context.query.get("target_repo") or None
    if target == repo.repo_name:
        target = None
    comparison = repo_contents.compare(uow, repo, base_ref, head_ref, target,
                                       viewer=context.viewer,
                                       ignore_whitespace=options.ignore_whitespace)
    head_url = "/" + quote(target) if target else repo_url(repo)
    return render(
        context, repo, "compare.html",
        comparison=comparison,
        base_label=f"{base_type}@{base_ref}",
        head_label=(f"{target}:" if target else "") + f"{head_type}@{head_ref}",
        head_url=head_url,
        views=render_files(comparison.files, options.mode),
        options=options,
        markdown=markdown,
        style=STYLE,
    )


def compare_form(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """The ref picker; submitted (a GET with ``base`` and ``head``), it goes to the compare
    URL, so the form works without script."""
    base, head = context.query.get("base", ""), context.query.get("head", "")
    chosen_base = _typed(context.query.get("base_rev", "")) or base
    chosen_head = _typed(context.query.get("head_rev", "")) or head
    if _split_ref(chosen_base) and _split_ref(chosen_head):
        query = {"target_repo": context.query["target_repo"]} if context.query.get("target_repo") else {}
        spec = f"{quote(chosen_base, safe='/@')}...{quote(chosen_head, safe='/@')}"
        url = (f"{repo_url(repo)}/compare/{spec}"
               + ("?" + urlencode(query) if query else ""))
        return RedirectResponse(url, status_code=303)
    groups = [  # names only: no commit is read to draw the form
        (_LABELS[kind], [f"{_URL_TYPES[kind]}@{name}" for name in names])
        for kind, names in repo_contents.ref_names(uow, repo).items()
        if names
    ]
    return render(context, repo, "compare_form.html", groups=groups, base=base, head=head,
                  target_repo=context.query.get("target_repo", ""))


def _typed(rev: str) -> str:
    """A commit id typed in the form's text box, as a ``rev@`` ref."""
    rev = rev.strip()
    return f"rev@{rev}" if rev else ""


def _split_ref(text: str) -> tuple[str, str] | None:
    """``branch@main`` → ("branch", "main"); None unless the type is one of RhodeCode's."""
    kind, at, name = text.partition("@")
    return (kind, name) if at and kind in REF_TYPES and name else None


def _compare_args(rest: list[str]) -> tuple | None:
    """``compare`` alone (the form) or ``compare/<type>@<ref>...<type>@<ref>`` (refs may hold
    ``/``); anything else is not this view."""
    if not rest:
        return ()
    base, dots, head = "/".join(rest).partition("...")
    pair = (_split_ref(base), _split_ref(head))
    return pair if dots and None not in pair else None


CHANGESET = View("changeset", ("ChangesetController:index", "RepoCommitsView:repo_commit_show"),
                 changeset)
COMPARE = View("compare", ("CompareController:compare", "RepoCompareView:compare"), compare)
COMPARE_FORM = View("compare", ("CompareController:index", "RepoCompareView:compare_select"),
                    compare_form)


def _changeset_parser(rest: list[str]):
    """``changeset/<id>`` (the page), or its comments' URLs (web/comment_pages.py)."""
    if len(rest) == 1 and rest[0]:
        return CHANGESET, (rest[0],)
    return comment_pages.commit_comment_view(rest)


def _compare_parser(rest: list[str]):
    args = _compare_args(rest)
    if args is None:
        return None
    return (COMPARE, args) if args else (COMPARE_FORM, ())


KEYWORDS = {"changeset": _changeset_parser, "compare": _compare_parser}
