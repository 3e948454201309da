"""The tabs of a user's admin pages besides the profile, at RhodeCode's URLs under
``/_admin/users/<id>/edit/``: ``auth_tokens`` (``/new``, ``/delete``), ``emails`` (``/new``,
``/delete``), ``ips`` (``/new``, ``/delete``), ``global_permissions`` (``/update``) and
``permissions_summary``: his effective permission on every repository, repository group and
user group, each with the rule that gives it — computed by services/permission_origins.py, the
same computation as his own "my permissions" page, on the levels the API's ``get_user``
reports.

Same guard as web/admin_user_pages.py; each change goes through services/user_accounts.py or
services/user_global_permissions.py, which check for a super-admin themselves.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import permission_origins, user_accounts, user_global_permissions
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_pages import (
    READ,
    USER,
    admin_caller,
    admin_page,
    done,
    field,
    ticked,
    user_page,
    user_url,
)
from vcshub.web.page_requests import PageRequest
from vcshub.web.token_pages import LIFETIMES, ROLES


def _user(uow: UnitOfWork, page: PageRequest):
    caller = admin_caller(uow, page)
    return caller, user_accounts.managed_user(uow, caller, page.path_params["user_id"])


# -- auth tokens ----------------------------------------------------------------------------
def _tokens(uow: UnitOfWork, page: PageRequest, revealed: str | None = None) -> Response:
    caller, user = _user(uow, page)
    now = uow.clock()
    rows = [(t, t.expires != -1 and t.expires <= now)
            for t in user_accounts.user_tokens(uow, caller, user.user_id)]
    return user_page(page, user, "admin_user_tokens.html", "/edit/auth_tokens", rows=rows,
                     roles=ROLES, lifetimes=LIFETIMES, revealed=revealed)


def _token_new(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    lifetime = field(page, "lifetime", 20) or "-1"
    made = user_accounts.create_user_token(
        uow, caller, user.user_id, field(page, "role", 64) or "all",
        int(lifetime) if lifetime.lstrip("-").isdigit() else 0,  # 0: the service names it
        field(page, "description", 1000))
    # Shown once, in the answer to the POST: the clear token is stored nowhere, not even in
    # the session cookie for a page after a redirect.
    return _tokens(uow, page, revealed=made.revealed_token)


def _token_delete(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    token = user_accounts.revoke_user_token(uow, caller, user.user_id, field(page, "token_id"))
    return done(page, f"{user_url(user)}/edit/auth_tokens",
                f"Token {token.token_prefix}… of {user.username} was revoked.")


# -- e-mails --------------------------------------------------------------------------------
def _emails(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    return user_page(page, user, "admin_user_emails.html", "/edit/emails", emails=user.emails)


def _email_new(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    added = user_accounts.add_user_email(uow, caller, user.user_id, field(page, "new_email", 300))
    return done(page, f"{user_url(user)}/edit/emails", f"Added {added.email}.")


def _email_delete(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    removed = user_accounts.remove_user_email(uow, caller, user.user_id, field(page, "email_id"))
    return done(page, f"{user_url(user)}/edit/emails", f"Removed {removed.email}.")


# -- IP whitelist -----------------------------------------------------------------------------
def _ips(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    return user_page(page, user, "admin_user_ips.html", "/edit/ips", entries=user.ip_addresses)


def _ip_user(uow: UnitOfWork, page: PageRequest):
    """As RhodeCode, these two posts also take the ``default`` user: the site-wide whitelist
    of /_admin/permissions/ips, where they lead back to."""
    caller = admin_caller(uow, page)
    user = user_accounts.managed_user(uow, caller, page.path_params["user_id"], default_too=True)
    back = ("/_admin/permissions/ips" if user.username == DEFAULT_USERNAME
            else f"{user_url(user)}/edit/ips")
    return caller, user, back


def _ip_new(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user, back = _ip_user(uow, page)
    added = user_accounts.add_user_ip(uow, caller, user.user_id, field(page, "ip", 100),
                                      field(page, "description", 1000))
    return done(page, back, f"{added.ip_addr} is now allowed.")


def _ip_delete(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user, back = _ip_user(uow, page)
    removed = user_accounts.remove_user_ip(uow, caller, user.user_id, field(page, "ip_id"))
    return done(page, back, f"{removed.ip_addr} was removed from the whitelist.")


# -- global permissions and the summary --------------------------------------------------------
def _global(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    choices = user_global_permissions.global_choices(uow, caller, user.user_id)
    return user_page(page, user, "admin_user_global_perms.html", "/edit/global_permissions",
                     choices=choices, families=user_global_permissions.FAMILIES)


def _global_update(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    inherit = ticked(page, "inherit_default_permissions")
    chosen = {family: field(page, family, 100) for family in user_global_permissions.FAMILIES}
    user_global_permissions.set_global_permissions(uow, caller, user.user_id, inherit, chosen)
    said = ("inherits the default global permissions" if inherit
            else "has his own global permissions")
    return done(page, f"{user_url(user)}/edit/global_permissions", f"{user.username} {said}.")


def _summary(uow: UnitOfWork, page: PageRequest) -> Response:
    caller, user = _user(uow, page)
    report = permission_origins.permission_origins(uow, user)
    return user_page(page, user, "admin_user_perms.html", "/edit/permissions_summary",
                     report=report)


EDIT = USER + "/edit"
ROUTES = [
    Route(f"{EDIT}/auth_tokens", admin_page(_tokens), methods=READ),
    Route(f"{EDIT}/auth_tokens/new", admin_page(_token_new), methods=["POST"]),
    Route(f"{EDIT}/auth_tokens/delete", admin_page(_token_delete), methods=["POST"]),
    Route(f"{EDIT}/emails", admin_page(_emails), methods=READ),
    Route(f"{EDIT}/emails/new", admin_page(_email_new), methods=["POST"]),
    Route(f"{EDIT}/emails/delete", admin_page(_email_delete), methods=["POST"]),
    Route(f"{EDIT}/ips", admin_page(_ips), methods=READ),
    Route(f"{EDIT}/ips/new", admin_page(_ip_new), methods=["POST"]),
    Route(f"{EDIT}/ips/delete", admin_page(_ip_delete), methods=["POST"]),
    Route(f"{EDIT}/global_permissions", admin_page(_global), methods=READ),
    Route(f"{EDIT}/global_permissions/update", admin_page(_global_update), methods=["POST"]),
    Route(f"{EDIT}/permissions_summary", admin_page(_summary), methods=READ),
]
