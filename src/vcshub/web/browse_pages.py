"""The repository browser's HTML pages: summary, files, changelog and changeset.

:mod:`vcshub.web.repo_pages` parses the URL, identifies the viewer and checks read permission;
each view here gets ``(unit of work, readable repository, parsed arguments, context)``, asks
:mod:`vcshub.services.repo_contents` once and renders a template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.highlight import STYLE, highlighted, highlighted_diff

if TYPE_CHECKING:
    from vcshub.web.repo_pages import Context


def summary(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    return _page(
        context, repo, "summary.html",
        summary=repo_contents.summary(uow, repo),
        clone_url=f"{context.base_url}/{quote(repo.repo_name)}",
    )


def files(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev, path = args
    found = repo_contents.browse(uow, repo, rev, path)
    if isinstance(found, repo_contents.Directory):
        return _page(context, repo, "directory.html", rev=rev, directory=found,
                     crumbs=_crumbs(found.path))
    shown = found.text is not None and not found.is_symlink
    code = highlighted(found.name, found.text) if shown else None
    return _page(context, repo, "file.html", rev=rev, file=found, code=code,
                 crumbs=_crumbs(found.path), style=STYLE)


def changelog(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev = context.query.get("rev") or None
    page = _page_number(context.query.get("page"))
    found = repo_contents.changelog(uow, repo, rev, page)

    def page_url(number: int) -> str:
        query = {"rev": rev} if rev else {}
        if number > 1:
            query["page"] = str(number)
        return context.path + ("?" + urlencode(query) if query else "")

    return _page(
        context, repo, "changelog.html",
        changelog=found,
        newer=page_url(page - 1) if page > 1 else None,
        older=page_url(page + 1) if found.has_next else None,
    )


def changeset(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    return _page(
        context, repo, "changeset.html",
        changeset=repo_contents.changeset(uow, repo, args[0]),
        highlighted_diff=highlighted_diff,
        style=STYLE,
    )


# -- rendering -----------------------------------------------------------------------------------
def _page(context: Context, repo: Repository, template: str, **values: object) -> Response:
    """A page of ``repo``: every template gets the viewer, the repository and its URL."""
    return context.templates.page(
        template,
        viewer=context.viewer,
        here=context.path,
        csrf=context.csrf,
        repo=repo,
        repo_url="/" + quote(repo.repo_name),
        **values,
    )


def _crumbs(path: str) -> list[tuple[str, str]]:
    """(name, path) of every directory on the way to ``path``, the last one included."""
    parts = path.split("/") if path else []
    return [(part, "/".join(parts[: i + 1])) for i, part in enumerate(parts)]


def _page_number(value: str | None) -> int:
    """``?page=``: a positive number; anything else is the first page."""
    if value and value.isascii() and value.isdigit() and len(value) < 7:
        return max(int(value), 1)
    return 1
