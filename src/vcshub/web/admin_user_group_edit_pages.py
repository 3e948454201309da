"""A user group's members and permissions tabs, under ``/_admin/user_groups/<id>/edit/``:
``members`` (``/new`` adds a user by name, ``/delete`` removes one), ``permissions`` with
``permissions/update`` (RhodeCode's URLs): the rows that say who may read, write or
administer this group — users, the ``default`` user, other user groups — to change or revoke,
and a form to grant a new one; and ``global_permissions`` with ``/update``, the group's own
global permissions, for super-admins only (missing for the group's other admins).

Same guard as web/admin_user_group_pages.py; each change is made by the service function the
API's ``add_user_to_user_group`` / ``remove_user_from_user_group`` /
``grant_user_permission_to_user_group`` / ``grant_user_group_permission_to_user_group`` and
their revokes call (services/user_groups.py), which checks the caller itself. A permissions
form posts ``action`` (grant or revoke), ``member_type`` (user or user_group), ``member`` (a
name) and, to grant, ``perm``.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import (
    repo_access_report,
    user_global_permissions,
    user_group_global_permissions,
    user_group_listing,
    user_groups,
)
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_group_pages import GROUP, group_page, group_url, managed
from vcshub.web.admin_user_pages import READ, admin_page, done, field, ticked
from vcshub.web.page_requests import PageRequest

PERMISSION_CHOICES = {"usergroup.none": "none", "usergroup.read": "read",
                      "usergroup.write": "write", "usergroup.admin": "admin"}
ACTIONS = {"grant": "grant", "revoke": "revoke"}
MEMBER_TYPES = {"user": "user", "user_group": "user group"}


def choose(page: PageRequest, name: str, allowed: dict[str, str]) -> str:
    """One of ``allowed``'s keys (a select's options); anything else is refused."""
    value = field(page, name, 100)
    if value not in allowed:
        raise Invalid(name, f"choose one of: {', '.join(allowed.values())}")
    return value


# -- members ---------------------------------------------------------------------------------
def _members(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    members = sorted((m.user for m in group.members), key=lambda u: u.username.lower())
    return group_page(page, group, "admin_user_group_members.html", "/edit/members",
                      members=members)


def _member_new(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    user = user_group_listing.named_user(uow, "username", field(page, "username", 255))
    added = user_groups.add_member(uow, caller, group, user)
    said = "was added" if added else "already was a member"
    return done(page, f"{group_url(group)}/edit/members", f"{user.username} {said}.")


def _member_delete(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    user = user_group_listing.named_user(uow, "username", field(page, "username", 255))
    removed = user_groups.remove_member(uow, caller, group, user)
    said = "was removed" if removed else "was not a member"
    return done(page, f"{group_url(group)}/edit/members", f"{user.username} {said}.")


# -- permissions on the group ------------------------------------------------------------------
def _permissions(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    default, users, groups = user_group_listing.permission_rows(uow, caller, group)
    return group_page(page, group, "admin_user_group_perms.html", "/edit/permissions",
                      default=default, users=users, user_groups=groups,
                      choices=PERMISSION_CHOICES, default_user=DEFAULT_USERNAME)


def _permissions_update(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    action = choose(page, "action", ACTIONS)
    kind = choose(page, "member_type", MEMBER_TYPES)
    name = field(page, "member", 255)
    perm = choose(page, "perm", PERMISSION_CHOICES) if action == "grant" else None
    if kind == "user":
        user = user_group_listing.named_user(uow, "member", name)
        if perm is None:
            user_groups.revoke_user(uow, caller, group, user)
        else:
            user_groups.grant_user(uow, caller, group, user, perm)
    else:
        source = repo_access_report.named_user_group(uow, caller, name)
        if perm is None:
            user_groups.revoke_user_group(uow, caller, source, group)
        else:
            user_groups.grant_user_group(uow, caller, source, group, perm)
    said = (f"Revoked the permission of {MEMBER_TYPES[kind]} {name}" if perm is None
            else f"Granted {PERMISSION_CHOICES[perm]} to {MEMBER_TYPES[kind]} {name}")
    return done(page, f"{group_url(group)}/edit/permissions", said + ".")


# -- global permissions (super-admins only) ---------------------------------------------------
def _global(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page, super_admin=True)
    choices = user_group_global_permissions.global_choices(uow, caller, group.users_group_id)
    return group_page(page, group, "admin_user_group_global_perms.html",
                      "/edit/global_permissions", choices=choices,
                      families=user_global_permissions.FAMILIES)


def _global_update(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page, super_admin=True)
    inherit = ticked(page, "inherit_default_permissions")
    chosen = {family: field(page, family, 100) for family in user_global_permissions.FAMILIES}
    user_group_global_permissions.set_global_permissions(uow, caller, group.users_group_id,
                                                         inherit, chosen)
    said = ("inherits the default global permissions" if inherit
            else "gives its members its own global permissions")
    return done(page, f"{group_url(group)}/edit/global_permissions",
                f"{group.group_name} {said}.")


EDIT = GROUP + "/edit"
ROUTES = [
    Route(f"{EDIT}/members", admin_page(_members), methods=READ),
    Route(f"{EDIT}/members/new", admin_page(_member_new), methods=["POST"]),
    Route(f"{EDIT}/members/delete", admin_page(_member_delete), methods=["POST"]),
    Route(f"{EDIT}/permissions", admin_page(_permissions), methods=READ),
    Route(f"{EDIT}/permissions/update", admin_page(_permissions_update), methods=["POST"]),
    Route(f"{EDIT}/global_permissions", admin_page(_global), methods=READ),
    Route(f"{EDIT}/global_permissions/update", admin_page(_global_update), methods=["POST"]),
]
