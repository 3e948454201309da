"""The files pages: ``/<repo>/files/<rev>/<path>``, a directory (with the last change of each
entry and the file finder) or a file (highlighted with line anchors, Markdown/RST rendered,
images shown, binaries and large files offered raw), and ``/<repo>/nodelist/<rev>/``, the
paths the finder filters (RhodeCode's ``repo_files_nodelist``).

Blame and file history are in :mod:`vcshub.web.blame_pages`.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import JSONResponse, Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import markup, ref_switcher
from vcshub.web.code_lines import code_lines
from vcshub.web.highlight import STYLE
from vcshub.web.repo_views import Context, View, crumbs, render, repo_url, rev_and_optional_path

# What the raw view shows inline (web/download_responses.py): shown here with <img>.
IMAGE_TYPES = frozenset({
    "image/png", "image/gif", "image/jpeg", "image/webp", "image/bmp", "image/x-icon",
    "image/vnd.microsoft.icon", "image/svg+xml",
})


def view_url(repo: Repository, keyword: str, rev: str, path: str = "") -> str:
    """``/<repo>/<keyword>/<rev>/<path>``."""
    return f"{repo_url(repo)}/{keyword}/{quote(rev)}/{quote(path)}"


def files_url(repo: Repository, rev: str, path: str = "") -> str:
    """The files page of ``path`` at ``rev`` (a directory's ends with ``/``)."""
    return view_url(repo, "files", rev, path)


def switcher(uow: UnitOfWork, repo: Repository, rev: str, keyword: str, tail: str):
    """The ref switcher: this same view (``keyword``) of ``tail`` at another branch, tag or
    bookmark."""
    return ref_switcher.choices(uow, repo, rev, lambda name: view_url(repo, keyword, name, tail))


def files(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev, path = args
    found = repo_contents.browse(uow, repo, rev, path)
    common = dict(rev=rev, crumbs=crumbs(found.path), style=STYLE,
                  files_url=files_url(repo, rev).rstrip("/"),
                  switcher=switcher(uow, repo, rev, "files", _tail(found)))
    if isinstance(found, repo_contents.Directory):
        changes = repo_contents.last_changes(uow, repo, found)
        return render(context, repo, "directory.html", directory=found, commit=found.commit,
                      changes=changes, **common)
    return render(context, repo, "file.html", file=found, commit=found.commit,
                  **_file_values(found, context, _links(repo, rev, found.path)), **common)


def _tail(found) -> str:
    """The path a ref switcher keeps: a directory's ends with ``/``."""
    if isinstance(found, repo_contents.Directory) and found.path:
        return found.path + "/"
    return found.path


def _links(repo: Repository, rev: str, path: str) -> markup.Links:
    """Where a rendered document's relative links and images lead: into this revision."""
    return markup.Links(files=view_url(repo, "files", rev), raw=view_url(repo, "raw", rev),
                        folder=path.rpartition("/")[0])


def _file_values(found: repo_contents.FileContent, context: Context,
                 links: markup.Links) -> dict:
    """How the file is shown: ``shown`` is one of "symlink", "image", "rendered", "code",
    "binary", "large"."""
    if found.is_symlink:
        return {"shown": "symlink"}
    if found.mimetype in IMAGE_TYPES:
        return {"shown": "image"}
    if found.is_binary:
        return {"shown": "binary"}
    if found.text is None:
        return {"shown": "large"}
    markup_kind = markup.kind_of(found.name)
    if markup_kind and context.query.get("view") != "source":
        rendered = markup.rendered(found.name, found.text, links)
        if rendered is not None:
            return {"shown": "rendered", "rendered": rendered, "markup_kind": markup_kind}
    return {"shown": "code", "code": code_lines(found.name, found.text),
            "markup_kind": markup_kind}


def nodelist(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """``{"commit_id": ..., "nodes": [{"name": path, "type": "file"}, ...]}``: every file of
    the tree (RhodeCode's answer has the same ``nodes``)."""
    commit_id, paths = repo_contents.file_paths(uow, repo, args[0])
    return JSONResponse({"commit_id": commit_id,
                         "nodes": [{"name": path, "type": "file"} for path in paths]},
                        headers={"Cache-Control": "no-store"})


FILES = View("files", ("FilesController:index", "RepoFilesView:repo_files"), files)
NODELIST = View("nodelist", ("FilesController:nodelist", "RepoFilesView:repo_nodelist"),
                nodelist, html=False)
KEYWORDS = {
    "files": rev_and_optional_path(FILES),
    "nodelist": rev_and_optional_path(NODELIST),
}
