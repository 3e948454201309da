"""Super-admins' user management at RhodeCode's URLs: ``/_admin/users`` (the list, filtered and
a page at a time), ``/_admin/users/new`` and ``.../create``, ``/_admin/users/<id>/edit`` and
``.../update`` (profile, active, admin, a new password, forced password change),
``.../password_reset`` (force or cancel a password change) and ``.../edit/advanced`` with
``.../delete`` (deleting, after a confirmation that says what the user still owns). The other
``edit/...`` tabs are in web/admin_user_edit_pages.py.

Everyone but a super-admin, anonymous visitors included, gets the very 404 of a missing page
(:func:`admin_caller`); the services called (users, user_accounts) refuse a non-admin again
by themselves. Refusals (a taken name, a bad e-mail, an empty password) are the services'
errors, answered 400 by web/error_pages.py with nothing changed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.db.models import User
from vcshub.permissions.caller import Caller
from vcshub.services import user_accounts, users
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import page_requests
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number

HOME = "/_admin/users"
READ = ["GET", "HEAD"]
PROFILE = ("username", "email", "firstname", "lastname")
FLAGS = ("active", "admin", "force_password_change")
# (path after /_admin/users/<id>, tab label): RhodeCode's user tabs that vcshub has
TABS = (("/edit", "User"), ("/edit/auth_tokens", "Auth tokens"), ("/edit/ssh_keys", "SSH keys"),
        ("/edit/emails", "E-mails"),
        ("/edit/ips", "IP whitelist"), ("/edit/global_permissions", "Global permissions"),
        ("/edit/permissions_summary", "Permissions summary"), ("/edit/advanced", "Delete"))


def admin_caller(uow: UnitOfWork, page: PageRequest) -> Caller:
    """The viewer as a caller if he is a super-admin. For anyone else the page does not
    exist: he gets, word for word, what the router answers at an address it does not know (a
    GET there looks for a repository of that name, web/repo_pages.py; a POST finds nothing),
    so nobody learns what is here."""
    caller = Caller(uow.db, page.viewer) if page.viewer is not None else None
    if caller is None or not caller.is_admin:
        if page.method == "GET":
            raise NotFound("repository", page.path.strip("/"))
        raise HTTPException(404)
    return caller


def user_url(user: User) -> str:
    return f"{HOME}/{user.user_id}"


def field(page: PageRequest, name: str, limit: int = 10_000) -> str:
    value = page.form.get(name) if page.form is not None else None
    if value is not None and not isinstance(value, str):
        raise Invalid(name, "must be text")
    return (value or "").strip()[:limit]


def ticked(page: PageRequest, name: str) -> bool:
    """An HTML checkbox: sent (as "on") only when ticked."""
    return page.form is not None and page.form.get(name) in ("on", "true", "1")


def user_page(page: PageRequest, user: User, template: str, tab: str, **values) -> Response:
    """A tab of one user's pages: his name, the tabs, the page."""
    return page.render(template, user=user, user_url=user_url(user), tabs=TABS, tab=tab,
                       **values)


def done(page: PageRequest, location: str, message: str) -> Response:
    page.flash(message)
    return RedirectResponse(location, 303)


def _list(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    text = str(page.query.get("filter") or "")[:user_accounts.FILTER_LIMIT]
    found = user_accounts.find_users(uow, caller, text, page_number(page.query.get("page")))

    def link(number: int) -> str:
        query = {**({"filter": text} if text else {}), **({"page": number} if number > 1 else {})}
        return HOME + (f"?{urlencode(query)}" if query else "")

    return page.render("admin_users.html", found=found, filter_text_value=text,
                       newer=link(found.page - 1) if found.page > 1 else None,
                       older=link(found.page + 1) if found.page < found.pages else None)


def _new(uow: UnitOfWork, page: PageRequest) -> Response:
    admin_caller(uow, page)
    return page.render("admin_user_new.html")


def _create(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    password = page.form.get("password") or ""
    if not isinstance(password, str) or not password:
        # the API may make accounts without one (external ones); this form's user signs in here
        raise Invalid("password", "Required: the new user signs in with it")
    user = users.create_user(
        uow, caller, password=password, active=ticked(page, "active"),
        admin=ticked(page, "admin"), force_password_change=ticked(page, "force_password_change"),
        **{name: field(page, name, 1000) for name in PROFILE})
    return done(page, f"{user_url(user)}/edit", f"Created user {user.username}.")


def _edit(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    user = user_accounts.managed_user(uow, caller, page.path_params["user_id"])
    return user_page(page, user, "admin_user_edit.html", "/edit", flags=FLAGS)


def _update(uow: UnitOfWork, page: PageRequest) -> Response:
    """Send update_user only what changed, as the API's update_user would be called."""
    caller = admin_caller(uow, page)
    user = user_accounts.managed_user(uow, caller, page.path_params["user_id"])
    changes: dict = {}
    for name in PROFILE:
        value = field(page, name, 1000)
        if value != (getattr(user, name) or ""):
            changes[name] = value
    for name in FLAGS:
        if ticked(page, name) != bool(getattr(user, name)):
            changes[name] = ticked(page, name)
    password = page.form.get("new_password") or ""
    if password:  # empty: the password stays
        changes["password"] = password
    if not changes:
        return done(page, f"{user_url(user)}/edit", "Nothing was changed.")
    users.update_user(uow, caller, user.user_id, changes)
    shown = sorted("password" if name == "password" else name for name in changes)
    return done(page, f"{user_url(user)}/edit",
                f"User {user.username} updated: {', '.join(shown)}.")


def _password_reset(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    user = user_accounts.managed_user(uow, caller, page.path_params["user_id"])
    force = ticked(page, "force_password_reset")
    users.update_user(uow, caller, user.user_id, {"force_password_change": force})
    said = ("must choose a new password at his next sign-in" if force
            else "no longer has to change his password")
    return done(page, f"{user_url(user)}/edit", f"{user.username} {said}.")


def _advanced(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    user = user_accounts.managed_user(uow, caller, page.path_params["user_id"])
    owned = user_accounts.owned_objects(uow, caller, user.user_id)
    return user_page(page, user, "admin_user_delete.html", "/edit/advanced", owned=owned,
                     blocked=any(owned.values()))


def _delete(uow: UnitOfWork, page: PageRequest) -> Response:
    """users.delete_user, as the API's delete_user: refused (400, nothing deleted) while he
    owns repositories, repository groups or user groups; his gists go with him."""
    caller = admin_caller(uow, page)
    user = user_accounts.managed_user(uow, caller, page.path_params["user_id"])
    if field(page, "confirm", 300) != user.username:
        raise Invalid("confirm", f"type the username, {user.username}, to delete the account")
    name = user.username
    users.delete_user(uow, caller, user.user_id)
    return done(page, HOME, f"Deleted user {name}.")


def admin_page(view):
    """The endpoint of an admin view (a POST's CSRF token is checked before it runs)."""
    async def endpoint(request: Request) -> Response:
        return await page_requests.answer(request, view)
    return endpoint


USER = HOME + "/{user_id:int}"
ROUTES = [
    Route(HOME, admin_page(_list), methods=READ),
    Route(f"{HOME}/new", admin_page(_new), methods=READ),
    Route(f"{HOME}/create", admin_page(_create), methods=["POST"]),
    Route(f"{USER}/edit", admin_page(_edit), methods=READ),
    Route(f"{USER}/update", admin_page(_update), methods=["POST"]),
    Route(f"{USER}/password_reset", admin_page(_password_reset), methods=["POST"]),
    Route(f"{USER}/edit/advanced", admin_page(_advanced), methods=READ),
    Route(f"{USER}/delete", admin_page(_delete), methods=["POST"]),
]
