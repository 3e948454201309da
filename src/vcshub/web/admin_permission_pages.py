"""The site's default permissions at RhodeCode's URLs: ``/_admin/permissions/application``
(sign-up, password reset), ``/_admin/permissions/global`` (what users who
inherit the defaults may create), ``/_admin/permissions/object`` (the ``default`` user's row on
new repositories, repository groups and user groups, optionally written over the existing
ones), each with its ``/update``, and ``/_admin/permissions/ips``: the site-wide IP whitelist,
the ``default`` user's entries, whose forms post to RhodeCode's
``/_admin/users/<default's id>/edit/ips/new`` and ``.../delete`` (web/admin_user_edit_pages.py).

Same guard as the other admin pages (web/admin_user_pages.admin_caller: a 404 for everyone but
super-admins); services/default_permissions.py and user_accounts.py check again themselves.
A choice outside a family's list is the service's Invalid: 400, nothing changed.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import default_permissions, user_accounts
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_pages import READ, admin_caller, admin_page, done, field, ticked
from vcshub.web.page_requests import PageRequest

HOME = "/_admin/permissions"
# (path after /_admin/permissions, tab label), RhodeCode's order
TABS = (("/application", "Application"), ("/global", "Global"), ("/object", "Object"),
        ("/ips", "IP whitelist"))
# part → (its families, its title, what the page says it is)
PARTS = {
    "application": (default_permissions.APPLICATION, "Application permissions",
                    "Site-wide: who may sign up, how new accounts start, password reset."),
    "global": (default_permissions.GLOBAL, "Global permissions",
               "What every user who inherits the default permissions may do (a user or user "
               "group with its own global permissions is not affected)."),
    "object": (default_permissions.OBJECT, "Default object permissions",
               "The permission the default user (every visitor, anonymous ones included) gets "
               "on each new repository, repository group and user group. Private repositories "
               "always give it none."),
}


def permissions_page(page: PageRequest, template: str, tab: str, **values) -> Response:
    return page.render(template, tabs=TABS, tab=tab, home=HOME, **values)


def _part(part: str):
    def view(uow: UnitOfWork, page: PageRequest) -> Response:
        caller = admin_caller(uow, page)
        families, title, about = PARTS[part]
        return permissions_page(page, "admin_permissions.html", f"/{part}", part=part,
                                families=families, title=title, about=about,
                                chosen=default_permissions.current(uow, caller))
    return view


def _update(part: str):
    def view(uow: UnitOfWork, page: PageRequest) -> Response:
        caller = admin_caller(uow, page)
        families, title, _about = PARTS[part]
        chosen = {family: field(page, family, 100) for family in families}
        said = f"{title} saved."
        if part == "object":
            overwrite = [family for family in families if ticked(page, f"overwrite_{family}")]
            changed = default_permissions.set_object_defaults(uow, caller, chosen, overwrite)
            if changed:
                said += " Existing objects changed: " + ", ".join(
                    f"{families[family][0].lower()}: {count}" for family, count in changed.items())
        elif part == "global":
            default_permissions.set_global(uow, caller, chosen)
        else:
            default_permissions.set_application(uow, caller, chosen)
        return done(page, f"{HOME}/{part}", said)
    return view


def _ips(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    default = user_accounts.managed_user(uow, caller, DEFAULT_USERNAME, default_too=True)
    return permissions_page(page, "admin_permissions_ips.html", "/ips",
                            entries=default.ip_addresses,
                            user_url=f"/_admin/users/{default.user_id}")


ROUTES = [
    Route(HOME, admin_page(_part("application")), methods=READ),
    *(route for part in PARTS for route in (
        Route(f"{HOME}/{part}", admin_page(_part(part)), methods=READ),
        Route(f"{HOME}/{part}/update", admin_page(_update(part)), methods=["POST"]))),
    Route(f"{HOME}/ips", admin_page(_ips), methods=READ),
]
