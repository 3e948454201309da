"""A repository's permissions, ``/<repo>/settings/permissions`` (RhodeCode's URL): the rows
written on it (users, the ``default`` user, user groups) to change or revoke, a form to grant a
new one, everybody who reaches it another way with the rule that gives him his access, and
"why": one user's effective permission with its rule.

What the page shows comes from :mod:`vcshub.services.repo_access_report` (the same computation
as the API's and the "my permissions" page); each change is made by the service the API's
``grant_user_permission`` / ``revoke_user_permission`` / ``grant_user_group_permission`` /
``revoke_user_group_permission`` call, :mod:`vcshub.services.repo_permissions`, which checks the
caller itself. Every form posts to the page's own URL with ``action`` (grant or revoke),
``member_type`` (user or user_group), ``member`` (a name) and, to grant, ``perm``.
"""

from __future__ import annotations

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import repo_access_report, repo_permissions
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.repo_views import READING, Context, View, repo_url
from vcshub.web.settings_forms import administrator, choice, done, page, text

PERMISSIONS_CHOICES = {"repository.none": "none", "repository.read": "read",
                       "repository.write": "write", "repository.admin": "admin"}
ACTIONS = {"grant": "grant", "revoke": "revoke"}
MEMBER_TYPES = {"user": "user", "user_group": "user group"}


def permissions(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    if context.method in READING:
        return _page(uow, repo, context, caller)
    action = choice(context, "action", ACTIONS)
    kind = choice(context, "member_type", MEMBER_TYPES)
    name = text(context, "member", 255)
    perm = choice(context, "perm", PERMISSIONS_CHOICES) if action == "grant" else None
    if kind == "user":
        user = repo_access_report.named_user(uow, name)
        if perm is None:
            repo_permissions.revoke_user(uow, caller, repo, user)
        else:
            repo_permissions.grant_user(uow, caller, repo, user, perm)
    else:
        group = repo_access_report.named_user_group(uow, caller, name)
        if perm is None:
            repo_permissions.revoke_user_group(uow, caller, repo, group)
        else:
            repo_permissions.grant_user_group(uow, caller, repo, group, perm)
    said = (f"Revoked the permission of {MEMBER_TYPES[kind]} {name}" if perm is None
            else f"Granted {PERMISSIONS_CHOICES[perm]} to {MEMBER_TYPES[kind]} {name}")
    return done(context, f"{repo_url(repo)}/settings/permissions", said + ".")


def _page(uow: UnitOfWork, repo: Repository, context: Context, caller) -> Response:
    report = repo_access_report.access_report(uow, caller, repo)
    asked = str(context.query.get("why") or "").strip()[:255]
    answer = None
    if asked:
        answer = repo_access_report.why(uow, caller, repo,
                                        repo_access_report.named_user(uow, asked))
    return page(context, repo, "repo_permissions.html", "/permissions", report=report,
                choices=PERMISSIONS_CHOICES, default_user=DEFAULT_USERNAME,
                asked=asked, answer=answer)


PERMISSIONS = View("settings permissions", (
    "ReposController:edit_permissions", "ReposController:edit_permissions_update",
    "RepoSettingsPermissionsView:edit_permissions",
    "RepoSettingsPermissionsView:edit_permissions_update"), permissions,
    methods=frozenset({"GET", "HEAD", "POST"}))

KEYWORDS: dict = {}  # routed by repo_settings_pages (one ``settings`` keyword)
