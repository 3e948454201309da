"""``/<repo>/settings/vcs``: the repository's VCS settings (the pull-request rules), as
``get_repo_settings`` gives them.

Every administrator of the repository sees them; only a super-admin may change them, as
through the API: the form goes to :func:`repo_vcs_settings.set_repo_settings`, which checks
that itself (a repository administrator posting it anyway gets 403).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.services import repo_vcs_settings as vcs_settings
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.repo_views import READING, Context, View, repo_url
from vcshub.web.settings_forms import administrator, checked, done, page

WRITES = frozenset({"GET", "HEAD", "POST"})
# key → (label, help) of each row, in the page's order
LABELS: Mapping[str, tuple[str, str]] = {
    vcs_settings.MERGE_ENABLED: ("Server-side merge",
                                 "Pull requests may be merged by the server."),
    vcs_settings.APPROVAL_REQUIRED: ("Approval required",
                                     "A pull request merges only once every reviewer approved it."),
    vcs_settings.OUTDATED_COMMENTS: ("Outdated comments",
                                     "Comments made before Update commits are kept and marked "
                                     "outdated."),
    vcs_settings.HG_REBASE: ("Rebase (Mercurial)",
                             "RhodeCode's switch, kept and reported; vcshub merges with a merge "
                             "commit."),
}


def vcs(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    if context.method in READING:
        return page(context, repo, "repo_vcs.html", "/vcs",
                    values=vcs_settings.effective(uow, repo),
                    site=vcs_settings.site_values(uow), labels=LABELS,
                    inherit_key=vcs_settings.INHERIT, may_change=caller.is_admin)
    inherit = checked(context, vcs_settings.INHERIT)
    sent = {vcs_settings.INHERIT: inherit}
    if not inherit:
        sent.update({key: checked(context, key) for key in LABELS})
    vcs_settings.set_repo_settings(uow, caller, repo.repo_id, sent)
    return done(context, f"{repo_url(repo)}/settings/vcs", "VCS settings saved.")


VCS = View("settings vcs", ("RepoSettingsVcsView:repo_vcs_settings",
                            "RepoSettingsVcsView:repo_settings_vcs_update"), vcs, methods=WRITES)
