"""The files pages: ``/<repo>/files/<rev>/<path>``, a directory or a file."""

from __future__ import annotations

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.highlight import STYLE, highlighted
from vcshub.web.repo_views import Context, View, crumbs, render, rev_and_optional_path


def files(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev, path = args
    found = repo_contents.browse(uow, repo, rev, path)
    if isinstance(found, repo_contents.Directory):
        return render(context, repo, "directory.html", rev=rev, directory=found,
                      crumbs=crumbs(found.path))
    shown = found.text is not None and not found.is_symlink
    code = highlighted(found.name, found.text) if shown else None
    return render(context, repo, "file.html", rev=rev, file=found, code=code,
                  crumbs=crumbs(found.path), style=STYLE)


FILES = View("files", ("FilesController:index", "RepoFilesView:repo_files"), files)
KEYWORDS = {"files": rev_and_optional_path(FILES)}
