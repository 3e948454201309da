"""Blame and file history of one file:

- ``/<repo>/annotate/<rev>/<path>`` (RhodeCode's URL; ``/<repo>/blame/<rev>/<path>`` too): each
  line highlighted, with the commit that last changed it, shown once per run of lines;
- ``/<repo>/history/<rev>/<path>``: the commits that changed the file (across renames), by
  page, each with links to the file as it was then and to the changeset.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.code_lines import code_lines
from vcshub.web.file_pages import files_url, switcher
from vcshub.web.highlight import STYLE
from vcshub.web.paging import page_number
from vcshub.web.repo_views import Context, View, crumbs, render, rev_and_path

HISTORY_PAGE = 50


@dataclass(frozen=True)
class BlameRow:
    """One line; ``line`` (an AnnotatedLine) only on the first line of a run of one commit."""

    number: int
    html: object
    first: repo_contents.AnnotatedLine | None


def annotate(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev, path = args
    found = repo_contents.annotate(uow, repo, rev, path)
    code = code_lines(found.path, "".join(line.text + "\n" for line in found.lines))
    rows = []
    previous = None
    for line, html in zip(found.lines, code.lines):
        rows.append(BlameRow(line.line, html, line if line.commit_id != previous else None))
        previous = line.commit_id
    return render(context, repo, "blame.html", rev=rev, path=found.path, commit=found.commit,
                  rows=rows, code=code, total=len(found.lines), crumbs=crumbs(found.path),
                  files_url=files_url(repo, rev).rstrip("/"), style=STYLE,
                  switcher=switcher(uow, repo, rev, "annotate", found.path))


def history(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev, path = args
    page = page_number(context.query.get("page"))
    found = repo_contents.file_history(uow, repo, rev, path, page=page, per_page=HISTORY_PAGE)
    return render(context, repo, "file_history.html", rev=rev, history=found,
                  commit=found.commit, crumbs=crumbs(found.path),
                  files_url=files_url(repo, rev).rstrip("/"),
                  switcher=switcher(uow, repo, rev, "history", found.path))


ANNOTATE = View("annotate", ("FilesController:index", "RepoFilesView:repo_files_annotated"),
                annotate)
HISTORY = View("history", ("FilesController:history", "RepoFilesView:repo_file_history"), history)
KEYWORDS = {
    "annotate": rev_and_path(ANNOTATE),
    "blame": rev_and_path(ANNOTATE),
    "history": rev_and_path(HISTORY),
}
