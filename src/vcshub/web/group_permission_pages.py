"""A repository group's permissions, RhodeCode's URLs: ``/<group>/_settings/permissions`` (the
rows written on the group — users, the ``default`` user, user groups — with forms to change or
revoke each and to grant a new one) and ``/<group>/_settings/permissions/update``, where every
form posts.

A change never happens on the first post: ``update`` first answers with the preview of what it
will write — with "apply to children" (none / repos / groups / all) every group and repository
below that gets the row, and the row each has now — computed by
:func:`vcshub.services.repo_group_access.preview` from the targets the change itself uses. Only
the confirmation (the same fields, plus the preview's ``digest``) changes anything, through the
services the API's ``grant_user_permission_to_repo_group`` & co. call, which check the caller
again. If what the change would write is no longer what was shown (a repository added below,
a row changed meanwhile), the confirmation is refused with the new preview (409).
"""

from __future__ import annotations

from starlette.responses import Response

from vcshub.db.models import RepoGroup, User
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import repo_access_report, repo_group_access, repo_group_permissions
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.group_settings_forms import (
    READING,
    WRITING,
    GroupView,
    administered,
    done,
    render,
    settings_url,
)
from vcshub.web.page_requests import PageRequest
from vcshub.web.settings_forms import choice, text

PERMISSIONS_CHOICES = {"group.none": "none", "group.read": "read", "group.write": "write",
                       "group.admin": "admin"}
REPO_NAMES = {"repository.none": "none", "repository.read": "read",
              "repository.write": "write", "repository.admin": "admin"}
APPLY_CHOICES = {"none": "this group only", "repos": "and every repository below it",
                 "groups": "and every group below it",
                 "all": "and every group and repository below it"}
ACTIONS = {"grant": "grant", "revoke": "revoke"}
MEMBER_TYPES = {"user": "user", "user_group": "user group"}
PREVIEW_ROWS = 500  # rows a preview lists; the rest are counted (the digest covers them all)


def permissions(uow: UnitOfWork, page: PageRequest, group_name: str) -> Response:
    group, caller = administered(uow, page, group_name)
    report = repo_group_access.access_report(uow, caller, group)
    return render(page, group, "group_permissions.html", "/permissions", report=report,
                  choices=PERMISSIONS_CHOICES, applies=APPLY_CHOICES,
                  default_user=DEFAULT_USERNAME)


def update(uow: UnitOfWork, page: PageRequest, group_name: str) -> Response:
    """The preview of a change, or (with ``confirm``) the change itself."""
    group, caller = administered(uow, page, group_name)
    action = choice(page, "action", ACTIONS)
    kind = choice(page, "member_type", MEMBER_TYPES)
    name = text(page, "member", 255)
    perm = choice(page, "perm", PERMISSIONS_CHOICES) if action == "grant" else None
    apply = choice(page, "apply_to_children", APPLY_CHOICES)
    member = (repo_access_report.named_user(uow, name) if kind == "user"
              else repo_access_report.named_user_group(uow, caller, name))
    preview = repo_group_access.preview(uow, caller, group, member, perm, apply)
    confirm = text(page, "confirm", 64)
    if confirm != preview.digest:
        return render(page, group, "group_preview.html", "/permissions",
                      status=409 if confirm else 200, stale=bool(confirm), preview=preview,
                      shown=preview.changes[:PREVIEW_ROWS], action=action, kind=kind,
                      member=name, perm=perm, apply=apply, choices=PERMISSIONS_CHOICES,
                      repo_choices=REPO_NAMES, applies=APPLY_CHOICES,
                      member_types=MEMBER_TYPES)
    _apply(uow, caller, group, member, perm, apply)
    below = len(preview.changes) - 1
    where = f" and {below} below it" if below else ""
    said = (f"Revoked the rows of {MEMBER_TYPES[kind]} {name} on {group.group_name}{where}"
            if perm is None else f"Granted {PERMISSIONS_CHOICES[perm]} to {MEMBER_TYPES[kind]} "
            f"{name} on {group.group_name}{where}")
    return done(page, f"{settings_url(group)}/permissions", said + ".")


def _apply(uow: UnitOfWork, caller: Caller, group: RepoGroup, member, perm: str | None,
           apply: str) -> None:
    if isinstance(member, User):
        if perm is None:
            repo_group_permissions.revoke_user(uow, caller, group, member, apply)
        else:
            repo_group_permissions.grant_user(uow, caller, group, member, perm, apply)
    elif perm is None:
        repo_group_permissions.revoke_user_group(uow, caller, group, member, apply)
    else:
        repo_group_permissions.grant_user_group(uow, caller, group, member, perm, apply)


PERMISSIONS = GroupView(("RepoGroupsController:edit_repo_group_perms",
                         "RepoGroupPermissionsView:edit_repo_group_permissions"), permissions,
                        READING)
UPDATE = GroupView(("RepoGroupsController:update_perms",
                    "RepoGroupPermissionsView:edit_repo_groups_permissions_update"), update,
                   WRITING)

# path segments after ``/<group>/`` → view
ROUTES = {
    ("_settings", "permissions"): PERMISSIONS,
    ("_settings", "permissions", "update"): UPDATE,
}
