"""The changelog page, ``/<repo>/changelog``: a repository's commits, newest first, paginated."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.paging import page_number
from vcshub.web.repo_views import Context, View, exact, render


def changelog(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    rev = context.query.get("rev") or None
    page = page_number(context.query.get("page"))
    found = repo_contents.changelog(uow, repo, rev, page)

    def page_url(number: int) -> str:
        query = {"rev": rev} if rev else {}
        if number > 1:
            query["page"] = str(number)
        return context.path + ("?" + urlencode(query) if query else "")

    return render(
        context, repo, "changelog.html",
        changelog=found,
        newer=page_url(page - 1) if page > 1 else None,
        older=page_url(page + 1) if found.has_next else None,
    )


CHANGELOG = View("changelog", ("ChangelogController:index", "RepoChangelogView:repo_changelog"),
                 changelog)
KEYWORDS = {"changelog": exact(CHANGELOG)}
