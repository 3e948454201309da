"""SSH keys pages, at RhodeCode's URLs: ``/_admin/my_account/ssh_keys`` (mine) and
``/_admin/users/<id>/edit/ssh_keys`` (a super-admin's view of a user), each with ``/new`` and
``/delete`` forms. The list shows fingerprint, comment, when added and when last used; the
public key itself is what the user pasted, so it is not repeated.

Both go through services/ssh_keys.py, which lets the user himself or a super-admin act.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.permissions.caller import Caller
from vcshub.services import ssh_keys, user_accounts
from vcshub.services.errors import AlreadyExists, Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import page_requests
from vcshub.web.account_pages import HOME, account_page
from vcshub.web.admin_user_pages import (
    READ, USER, admin_caller, admin_page, done, field, user_page, user_url,
)
from vcshub.web.page_requests import PageRequest

MINE = f"{HOME}/ssh_keys"
KEY_TEXT_LIMIT = 20_000  # longer than any accepted key: the service says what is wrong


# -- my account -------------------------------------------------------------------------------
def _mine(uow: UnitOfWork, page: PageRequest, status: int = 200, values=None, errors=None):
    _, keys = ssh_keys.list_keys(uow, Caller(uow.db, page.viewer))
    return account_page(page, "account_ssh_keys.html", status, keys=keys,
                        values=values or {}, errors=errors or {})


def _mine_page(uow: UnitOfWork, page: PageRequest) -> Response:
    return _mine_new(uow, page) if page.form is not None else _mine(uow, page)


def _mine_new(uow: UnitOfWork, page: PageRequest) -> Response:
    values = {"key": field(page, "key", KEY_TEXT_LIMIT), "comment": field(page, "comment", 1000)}
    try:
        added = ssh_keys.add_key(uow, Caller(uow.db, page.viewer), None, values["key"],
                                 values["comment"] or None)
    except Invalid as exc:
        return _mine(uow, page, 400, values, {"key" if exc.field == "key" else "comment": exc.reason})
    except AlreadyExists:
        return _mine(uow, page, 400, values, {"key": "this key is already in use"})
    page.flash(f"Added SSH key {added.fingerprint}")
    return RedirectResponse(MINE, 303)


def _mine_delete(uow: UnitOfWork, page: PageRequest) -> Response:
    removed = ssh_keys.delete_key(uow, Caller(uow.db, page.viewer), None, field(page, "ssh_key_id"))
    page.flash(f"Removed SSH key {removed.fingerprint}")
    return RedirectResponse(MINE, 303)


def _signed_in(view):
    async def endpoint(request: Request) -> Response:
        return await page_requests.answer(request, view, signed_in=True)
    return endpoint


# -- a user's admin tab -----------------------------------------------------------------------
def _user(uow: UnitOfWork, page: PageRequest):
    caller = admin_caller(uow, page)
    return caller, user_accounts.managed_user(uow, caller, page.path_params["user_id"])


def _theirs(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    _, keys = ssh_keys.list_keys(uow, caller, user.user_id)
    return user_page(page, user, "admin_user_ssh_keys.html", "/edit/ssh_keys", keys=keys)


def _theirs_new(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    added = ssh_keys.add_key(uow, caller, user.user_id, field(page, "key", KEY_TEXT_LIMIT),
                             field(page, "comment", 1000) or None)
    return done(page, f"{user_url(user)}/edit/ssh_keys",
                f"Added SSH key {added.fingerprint} for {user.username}.")


def _theirs_delete(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    removed = ssh_keys.delete_key(uow, caller, user.user_id, field(page, "ssh_key_id"))
    return done(page, f"{user_url(user)}/edit/ssh_keys",
                f"Removed SSH key {removed.fingerprint} of {user.username}.")


ROUTES = [
    Route(MINE, _signed_in(_mine_page), methods=["GET", "HEAD", "POST"]),
    Route(f"{MINE}/delete", _signed_in(_mine_delete), methods=["POST"]),
    Route(f"{USER}/edit/ssh_keys", admin_page(_theirs), methods=READ),
    Route(f"{USER}/edit/ssh_keys/new", admin_page(_theirs_new), methods=["POST"]),
    Route(f"{USER}/edit/ssh_keys/delete", admin_page(_theirs_delete), methods=["POST"]),
]
