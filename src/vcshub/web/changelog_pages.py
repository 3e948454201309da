"""The changelog pages: ``/<repo>/changelog`` (every commit, or ``?rev=`` and its ancestors, or
``?branch=`` as RhodeCode filters it; newest first, paginated, with the commit graph) and
``/<repo>/changelog/<rev>/<path>`` (the commits that changed one file, same look, no graph)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import ref_switcher
from vcshub.web.paging import page_number
from vcshub.web.repo_views import Context, View, exact, render, repo_url, rev_and_path

LANE_WIDTH = 14  # px between two lanes of the graph
ROW_HEIGHT = 32  # px: each row of the changelog table is exactly this high (changelog.css)


def changelog(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    branch = context.query.get("branch") or None
    rev = None if branch else (context.query.get("rev") or None)
    page = page_number(context.query.get("page"))
    found = repo_contents.graphed_changelog(uow, repo, rev, page, branch=branch)
    filters = {"branch": branch} if branch else ({"rev": rev} if rev else {})

    def page_url(number: int) -> str:
        query = dict(filters)
        if number > 1:
            query["page"] = str(number)
        return context.path + ("?" + urlencode(query) if query else "")

    branches = set(repo_contents.ref_names(uow, repo)["branch"])

    def url_for(name: str) -> str:  # a branch filters, any other ref starts the walk
        key = "branch" if name in branches else "rev"
        return f"{repo_url(repo)}/changelog?{urlencode({key: name})}"

    return render(
        context, repo, "changelog.html",
        changelog=found.changelog,
        rows=found.rows,
        graph_width=max(found.graph.width, 1) * LANE_WIDTH,
        lane=LANE_WIDTH,
        row_height=ROW_HEIGHT,
        switcher=ref_switcher.choices(uow, repo, branch or rev or "All branches", url_for),
        filtered=bool(filters),
        newer=page_url(page - 1) if page > 1 else None,
        older=page_url(page + 1) if found.changelog.has_next else None,
    )


def file_changelog(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev, path = args
    page = page_number(context.query.get("page"))
    found = repo_contents.file_history(uow, repo, rev, path, page)

    def page_url(number: int) -> str:
        return context.path + (f"?page={number}" if number > 1 else "")

    return render(
        context, repo, "file_changelog.html",
        history=found,
        file_url=f"{repo_url(repo)}/files/{quote(found.commit.raw_id)}/{quote(found.path)}",
        newer=page_url(page - 1) if page > 1 else None,
        older=page_url(page + 1) if found.has_next else None,
    )


CHANGELOG = View("changelog", ("ChangelogController:index", "RepoChangelogView:repo_changelog"),
                 changelog)
# RhodeCode 4 serves both URLs with one view method, so the whitelist names are the same.
FILE_CHANGELOG = View("file_changelog", CHANGELOG.names, file_changelog)


def _changelog_paths(rest: list[str]):
    """``changelog`` alone, or ``changelog/<rev>/<path>``."""
    return exact(CHANGELOG)(rest) or rev_and_path(FILE_CHANGELOG)(rest)


KEYWORDS = {"changelog": _changelog_paths}
