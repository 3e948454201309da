"""The refs pages of a repository: ``/<repo>/branches``, ``/<repo>/tags`` and (Mercurial only)
``/<repo>/bookmarks``, RhodeCode's URLs. Each ref with its last commit, a link to browse the
files at it, and one to compare it with the default branch (RhodeCode's compare URL,
``compare/branch@<default>...<kind>@<name>``; the compare page is diff_pages')."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.errors import NotFound
from vcshub.services.repo_contents import overview
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.repo_views import Context, View, exact, render, repo_url

# kind → (page title, the ref type compare URLs use)
KINDS = {"branches": ("Branches", "branch"), "tags": ("Tags", "tag"),
         "bookmarks": ("Bookmarks", "book")}


def compare_url(repo: Repository, default: str | None, ref_type: str, name: str) -> str | None:
    """Where the default branch compares with this ref; None for the default branch itself."""
    if default is None or (ref_type == "branch" and name == default):
        return None
    return (f"{repo_url(repo)}/compare/branch@{quote(default, safe='')}"
            f"...{ref_type}@{quote(name, safe='')}")


def _refs_page(kind: str):
    title, ref_type = KINDS[kind]

    def view(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
        if kind == "bookmarks" and repo.repo_type != "hg":
            raise NotFound("page", f"{repo.repo_name}/bookmarks")  # git has no bookmarks
        refs = getattr(repo_contents.refs(uow, repo), kind)
        default = overview.default_branch(uow, repo)
        rows = [(ref, compare_url(repo, default, ref_type, ref.name)) for ref in refs]
        return render(context, repo, "refs.html", kind=kind, title=title, rows=rows,
                      default_branch=default if kind == "branches" else None)

    return view


BRANCHES = View("branches", ("BranchesController:index", "RepoBranchesView:branches"),
                _refs_page("branches"))
TAGS = View("tags", ("TagsController:index", "RepoTagsView:tags"), _refs_page("tags"))
BOOKMARKS = View("bookmarks", ("BookmarksController:index", "RepoBookmarksView:bookmarks"),
                 _refs_page("bookmarks"))

KEYWORDS = {"branches": exact(BRANCHES), "tags": exact(TAGS), "bookmarks": exact(BOOKMARKS)}
