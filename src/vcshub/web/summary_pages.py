"""A repository's summary page, ``/<repo>`` (and ``/<repo>/summary``)."""

from __future__ import annotations

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.repo_views import Context, View, exact, render, repo_url


def summary(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    return render(
        context, repo, "summary.html",
        summary=repo_contents.summary(uow, repo),
        clone_url=context.base_url + repo_url(repo),
    )


SUMMARY = View("summary", ("SummaryController:index", "RepoSummaryView:summary"), summary)
KEYWORDS = {"summary": exact(SUMMARY)}
