"""The pull request page, ``/<repo>/pull-request/<id>``, and its forms in RhodeCode's URLs:

* ``POST .../comment/create`` (general or inline, with a vote in ``changeset_status``),
  ``.../comment/<n>/edit|delete``, ``.../comment/preview`` — the commit page's widgets
  (web/comment_pages.py, templates/comments.html) pointed at the pull request;
* ``POST .../close``, ``.../reopen`` and ``.../merge`` (the merge box);
* ``POST .../update`` (Update commits: the service keeps the old version).

What the page shows and who may see it come from services/pull_request_view.py; every change
goes through a service that checks the caller itself. Errors are mapped by web/error_pages.py.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import comments, pr_merge, pull_request_view, pull_requests
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import comment_pages
from vcshub.web.comment_pages import CommentForm, back_to, signed_in_caller
from vcshub.web.diff_pages import STYLE, DiffOptions
from vcshub.web.diff_render import placed_ids, render_files
from vcshub.web.markup import markdown
from vcshub.web.repo_views import Context, View, render, repo_url


STATE_LABELS = {"open": "Open", "closed": "Closed", "merged": "Merged"}


def page_url(repo: Repository, ident: object) -> str:
    return f"{repo_url(repo)}/pull-request/{ident}"


def show(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    options = DiffOptions.of(context)
    view = pull_request_view.review_page(
        uow, context.viewer, repo, args[0], ignore_whitespace=options.ignore_whitespace,
        version=context.query.get("version"), from_version=context.query.get("from_version"))
    url = page_url(repo, view.pr.pull_request_id)
    # Only the shown version's comments go on its lines; the others stay readable in the list.
    current = [c for c in view.comments if c.comment_id in view.placeable]
    views = render_files(view.comparison.files, options.mode, current) if view.comparison else []
    ui = comment_pages.ui_for(uow, context, repo, url + "/comment", view.comments)
    on_current = view.shown.from_version is None and view.shown.version == len(view.versions)
    return render(
        context, repo, "pull_request.html",
        view=view, pr=view.pr, url=url, views=views, placed=placed_ids(views),
        options=options, markdown=markdown, style=STYLE, state_labels=STATE_LABELS, ui=ui,
        # An older version's lines take no new comment (one is made on the newest version);
        # its threads are read there, changed in the list below.
        diff_ui=ui if on_current else replace(ui, csrf=None, changeable=frozenset()),
    )


def _place(repo: Repository, ident: object) -> comments.Place:
    return comments.Place(repo.repo_id, pull_request_id=pull_requests.pull_request_number(ident))


def create(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pr = pull_request_view.visible(uow, context.viewer, repo, args[0])
    if context.method != "POST":
        return _form_page(uow, repo, pr, context)
    form = CommentForm.of(context)
    pr, comment = comments.comment_pull_request(uow, caller, repo.repo_name, args[0], form.text,
                                                form.status, options=form.options)
    return back_to(context, page_url(repo, pr.pull_request_id), f"comment-{comment.comment_id}")


def _form_page(uow: UnitOfWork, repo: Repository, pr, context: Context) -> Response:
    """The comment form on a page of its own, for a browser without script (the diff's
    "Comment on a line" link, ``?f_path=``)."""
    url = page_url(repo, pr.pull_request_id)
    line = context.query.get("line", "")
    return render(context, repo, "pull_request_comment_form.html", pr=pr, back_url=url,
                  ui=comment_pages.ui_for(uow, context, repo, url + "/comment", ()),
                  f_path=context.query.get("f_path", ""),
                  line=line if comment_pages._LINE.match(line) else "")


def edit(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pull_request_view.visible(uow, context.viewer, repo, args[0])
    comments.edit_comment(uow, caller, args[1], CommentForm.of(context).text,
                          _place(repo, args[0]), version=comment_pages.edited_version(context))
    return back_to(context, page_url(repo, args[0]), f"comment-{args[1]}", "Comment saved.")


def delete(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pull_request_view.visible(uow, context.viewer, repo, args[0])
    comments.delete_comment(uow, caller, args[1], _place(repo, args[0]))
    return back_to(context, page_url(repo, args[0]), "comments-title", "Comment deleted.")


def close(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pull_request_view.visible(uow, context.viewer, repo, args[0])
    comments.close_pull_request(uow, caller, repo.repo_name, args[0])
    return back_to(context, page_url(repo, args[0]), "", "Pull request closed.")


def reopen(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pull_request_view.visible(uow, context.viewer, repo, args[0])
    pull_requests.reopen(uow, caller, repo.repo_name, args[0])
    return back_to(context, page_url(repo, args[0]), "", "Pull request reopened.")


def merge(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pull_request_view.visible(uow, context.viewer, repo, args[0])
    report = pr_merge.merge_pull_request(uow, caller, repo.repo_name, args[0])
    message = ("Pull request merged." if report.executed
               else pr_merge.MERGEABLE_MESSAGES.get(report.failure_reason, "Not merged."))
    return back_to(context, page_url(repo, args[0]), "", message)


def update(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = signed_in_caller(uow, context)
    pull_request_view.visible(uow, context.viewer, repo, args[0])
    report = pull_requests.update_pull_request(uow, caller, repo.repo_name, args[0],
                                               update_commits=True)
    message = (f"Commits updated: {len(report.added)} added, {len(report.removed)} removed."
               if report.added or report.removed else "No new commits.")
    return back_to(context, page_url(repo, args[0]), "", message)


POSTS = frozenset({"POST"})
# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
SHOW = View("pull_request", ("PullrequestsController:show", "RepoPullRequestsView:pull_request_show"),
            show)
CREATE = View("pull_request", ("PullrequestsController:comment",
                                "RepoPullRequestsView:pull_request_comment_create"),
              create, methods=comment_pages.FORM_AND_POST)
EDIT = View("pull_request", ("PullrequestsController:edit_comment",
                              "RepoPullRequestsView:pull_request_comment_edit"),
            edit, methods=POSTS)
DELETE = View("pull_request", ("PullrequestsController:delete_comment",
                                "RepoPullRequestsView:pull_request_comment_delete"),
              delete, methods=POSTS)
PREVIEW = View("pull_request", ("PullrequestsController:preview_comment",
                                 "RepoPullRequestsView:pull_request_comment_preview"),
               comment_pages.preview, html=False, methods=POSTS)
ACTIONS = {
    "close": View("pull_request", ("PullrequestsController:close",
                                    "RepoPullRequestsView:pull_request_close"), close, methods=POSTS),
    "reopen": View("pull_request", ("PullrequestsController:reopen",
                                     "RepoPullRequestsView:pull_request_reopen"), reopen,
                   methods=POSTS),
    "merge": View("pull_request", ("PullrequestsController:merge",
                                    "RepoPullRequestsView:pull_request_merge"), merge, methods=POSTS),
    "update": View("pull_request", ("PullrequestsController:update",
                                     "RepoPullRequestsView:pull_request_update"), update,
                   methods=POSTS),
}


KEYWORDS: dict = {}  # routed by pull_request_pages (one ``pull-request`` keyword)


def parse(rest: list[str]) -> tuple[View, tuple] | None:
    """What follows ``pull-request/``: ``<id>``, ``<id>/close|merge|update``,
    ``<id>/comment/create|preview``, ``<id>/comment/<n>/edit|delete``; None otherwise."""
    if not rest or not rest[0].isdigit():
        return None
    if len(rest) == 1:
        return SHOW, (rest[0],)
    if len(rest) == 2:
        return (ACTIONS[rest[1]], (rest[0],)) if rest[1] in ACTIONS else None
    if rest[1] != "comment":
        return None
    if len(rest) == 3:
        return {"create": (CREATE, (rest[0],)), "preview": (PREVIEW, (rest[0],))}.get(rest[2])
    if len(rest) == 4 and rest[2].isdigit() and rest[3] in ("edit", "delete"):
        return (EDIT if rest[3] == "edit" else DELETE), (rest[0], rest[2])
    return None
