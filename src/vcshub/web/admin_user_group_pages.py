"""User groups at RhodeCode's URLs: ``/_admin/user_groups`` (the groups the viewer
administers, filtered and a page at a time), ``/_admin/user_groups/new`` and ``.../create``,
``/_admin/user_groups/<id>/edit`` with ``.../update`` (name, description, owner, active),
``.../edit/permissions_summary`` (what the group's members get through it) and
``.../edit/advanced`` with ``.../delete`` (after a confirmation that says what the group still
holds). The members and permissions tabs are in web/admin_user_group_edit_pages.py.

Who sees them is what services/user_groups.py allows, as the API does: a super-admin, or a user
who holds ``usergroup.admin`` on the group (the list and the new-group form also a user who may
create user groups). For everyone else, anonymous visitors included, each address gets the very
404 of a missing page (:func:`manager`); the services called refuse him again by themselves.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from vcshub.db.models import UserGroup
from vcshub.permissions.caller import Caller
from vcshub.services import user_group_listing, user_groups
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_pages import READ, admin_page, done, field, ticked
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number

HOME = "/_admin/user_groups"
# (path after /_admin/user_groups/<id>, tab label): RhodeCode's tabs that vcshub has
TABS = (("/edit", "Settings"), ("/edit/members", "Members"),
        ("/edit/permissions", "Permissions"), ("/edit/global_permissions", "Global permissions"),
        ("/edit/permissions_summary", "Permissions summary"), ("/edit/advanced", "Delete"))
# a group's global permissions are the super-admins' (services/user_group_global_permissions.py)
ADMIN_TABS = frozenset({"/edit/global_permissions"})


def missing(page: PageRequest):
    """What the router answers at an address it does not know (a GET there looks for a
    repository of that name, web/repo_pages.py; a POST finds nothing): nobody learns what is
    here. The same answer as web/admin_user_pages.py gives."""
    if page.method == "GET":
        raise NotFound("repository", page.path.strip("/"))
    raise HTTPException(404)


def manager(uow: UnitOfWork, page: PageRequest) -> Caller:
    """The viewer as a caller if the user-group pages exist for him."""
    caller = Caller(uow.db, page.viewer) if page.viewer is not None else None
    if caller is None or not user_group_listing.may_manage(caller):
        missing(page)
    return caller


def managed(uow: UnitOfWork, page: PageRequest, *, super_admin: bool = False
            ) -> tuple[Caller, UserGroup]:
    """The caller and the group of a ``/<id>/...`` page, if he administers it (``super_admin``:
    and is a super-admin)."""
    caller = Caller(uow.db, page.viewer) if page.viewer is not None else None
    group = (user_group_listing.managed_group(uow, caller, page.path_params["group_id"])
             if caller is not None and (caller.is_admin or not super_admin) else None)
    if group is None:
        missing(page)
    return caller, group


def group_url(group: UserGroup) -> str:
    return f"{HOME}/{group.users_group_id}"


def group_page(page: PageRequest, group: UserGroup, template: str, tab: str,
               **values) -> Response:
    """A tab of one group's pages: its name, the tabs he may open, the page."""
    tabs = [t for t in TABS if page.viewer.admin or t[0] not in ADMIN_TABS]
    return page.render(template, group=group, group_url=group_url(group), tabs=tabs, tab=tab,
                       **values)


def _list(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = manager(uow, page)
    text = str(page.query.get("filter") or "")[:user_group_listing.FILTER_LIMIT]
    found = user_group_listing.find_user_groups(uow, caller, text,
                                                page_number(page.query.get("page")))

    def link(number: int) -> str:
        query = {**({"filter": text} if text else {}), **({"page": number} if number > 1 else {})}
        return HOME + (f"?{urlencode(query)}" if query else "")

    return page.render("admin_user_groups.html", found=found, filter_text_value=text,
                       may_create=user_group_listing.may_create(caller),
                       newer=link(found.page - 1) if found.page > 1 else None,
                       older=link(found.page + 1) if found.page < found.pages else None)


def _creator(uow: UnitOfWork, page: PageRequest) -> Caller:
    caller = manager(uow, page)
    if not user_group_listing.may_create(caller):
        missing(page)
    return caller


def _new(uow: UnitOfWork, page: PageRequest) -> Response:
    _creator(uow, page)
    return page.render("admin_user_group_new.html")


def _create(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = _creator(uow, page)
    owner = field(page, "owner", 255)
    group = user_groups.create_user_group(
        uow, caller, field(page, "group_name", 1000), field(page, "description"),
        user_group_listing.named_user(uow, "owner", owner).user_id if owner else None,
        ticked(page, "active"))
    return done(page, f"{group_url(group)}/edit", f"Created user group {group.group_name}.")


def _edit(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    return group_page(page, group, "admin_user_group_edit.html", "/edit")


def _update(uow: UnitOfWork, page: PageRequest) -> Response:
    """Send update_user_group only what changed, as the API's would be called."""
    caller, group = managed(uow, page)
    changes: dict = {}
    name = field(page, "group_name", 1000)
    if name != group.group_name:
        changes["group_name"] = name
    description = field(page, "description")
    if description != (group.description or ""):
        changes["description"] = description
    owner = field(page, "owner", 255)
    if owner != group.owner.username:
        changes["owner"] = user_group_listing.named_user(uow, "owner", owner).user_id
    if ticked(page, "active") != bool(group.active):
        changes["active"] = ticked(page, "active")
    if not changes:
        return done(page, f"{group_url(group)}/edit", "Nothing was changed.")
    user_groups.update_user_group(uow, caller, group.users_group_id, changes)
    return done(page, f"{group_url(group)}/edit",
                f"User group {group.group_name} updated: {', '.join(sorted(changes))}.")


def _advanced(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    held = user_group_listing.held_permissions(uow, caller, group)
    blocking = {kind: [name for name, _perm in rows] for kind, rows in held.items()
                if kind != "user groups"}
    return group_page(page, group, "admin_user_group_delete.html", "/edit/advanced",
                      held=blocking, blocked=any(blocking.values()))


def _summary(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, group = managed(uow, page)
    held = user_group_listing.held_permissions(uow, caller, group)
    return group_page(page, group, "admin_user_group_summary.html", "/edit/permissions_summary",
                      held=held)


def _delete(uow: UnitOfWork, page: PageRequest) -> Response:
    """user_groups.delete_user_group, as the API's delete_user_group: refused (400, nothing
    deleted) while the group holds a permission on a repository or repository group."""
    caller, group = managed(uow, page)
    if field(page, "confirm", 1000) != group.group_name:
        raise Invalid("confirm", f"type the group's name, {group.group_name}, to delete it")
    name = group.group_name
    user_groups.delete_user_group(uow, caller, group)
    return done(page, HOME, f"Deleted user group {name}.")


GROUP = HOME + "/{group_id:int}"
ROUTES = [
    Route(HOME, admin_page(_list), methods=READ),
    Route(f"{HOME}/new", admin_page(_new), methods=READ),
    Route(f"{HOME}/create", admin_page(_create), methods=["POST"]),
    Route(f"{GROUP}/edit", admin_page(_edit), methods=READ),
    Route(f"{GROUP}/update", admin_page(_update), methods=["POST"]),
    Route(f"{GROUP}/edit/permissions_summary", admin_page(_summary), methods=READ),
    Route(f"{GROUP}/edit/advanced", admin_page(_advanced), methods=READ),
    Route(f"{GROUP}/delete", admin_page(_delete), methods=["POST"]),
]
