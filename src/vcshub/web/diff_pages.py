"""The pages that show a diff: a changeset, ``/<repo>/changeset/<id>``."""

from __future__ import annotations

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.highlight import STYLE, highlighted_diff
from vcshub.web.repo_views import Context, View, one, render


def changeset(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    return render(
        context, repo, "changeset.html",
        changeset=repo_contents.changeset(uow, repo, args[0]),
        highlighted_diff=highlighted_diff,
        style=STYLE,
    )


CHANGESET = View("changeset", ("ChangesetController:index", "RepoCommitsView:repo_commit_show"),
                 changeset)
KEYWORDS = {"changeset": one(CHANGESET)}
