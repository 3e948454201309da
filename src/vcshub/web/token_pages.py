"""``/_admin/my_account/auth_tokens``: a user's extra authentication tokens.

Create one with a role, a description and a lifetime: the clear token is shown once, on the
page the form's redirect leads to (kept in the session only until that page takes it), since
only its digest and a sealed copy are stored. The list shows each token by its first
characters; revoking is a POST.
"""

from __future__ import annotations


from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.auth.tokens import TokenRole
from vcshub.services import auth_tokens
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import page_requests
from vcshub.web.account_pages import HOME, account_page
from vcshub.web.page_requests import PageRequest

PAGE = f"{HOME}/auth_tokens"
ROLES = {
    TokenRole.ALL: "all (web, API, VCS, feeds)",
    TokenRole.HTTP: "http (web pages)",
    TokenRole.VCS: "vcs (git and hg clients)",
    TokenRole.API: "api (JSON-RPC API)",
    TokenRole.FEED: "feed (RSS/Atom feeds)",
}
LIFETIMES = {  # minutes → label, as RhodeCode's form offers them
    -1: "forever", 60: "1 hour", 1440: "1 day", 10080: "1 week", 43200: "1 month",
}


def _tokens(uow: UnitOfWork, page: PageRequest) -> Response:
    if page.form is not None:
        return _create(uow, page)
    return _listing(uow, page, revealed=None)


def _listing(uow: UnitOfWork, page: PageRequest, revealed: str | None) -> Response:
    now = uow.clock()
    rows = [(t, t.expires != -1 and t.expires <= now)
            for t in auth_tokens.list_tokens(uow, page.viewer)]
    return account_page(page, "account_tokens.html", rows=rows, roles=ROLES, lifetimes=LIFETIMES,
                        revealed=revealed, values={}, errors={})


def _create(uow: UnitOfWork, page: PageRequest) -> Response:
    form = page.form
    values = {name: str(form.get(name) or "") for name in ("role", "description", "lifetime")}
    try:
        lifetime = int(values["lifetime"] or "-1")
    except ValueError:
        lifetime = 0  # the service refuses it, naming the field
    try:
        made = auth_tokens.create_token(uow, page.viewer, values["role"] or TokenRole.ALL,
                                        lifetime, values["description"])
    except Invalid as exc:
        rows = [(t, False) for t in auth_tokens.list_tokens(uow, page.viewer)]
        return account_page(page, "account_tokens.html", 400, rows=rows, roles=ROLES,
                            lifetimes=LIFETIMES, revealed=None, values=values,
                            errors={exc.field: exc.reason})
    # The answer to the POST shows the token, once: it is never stored, not even in the
    # session cookie (signed, not encrypted) for a page after a redirect.
    return _listing(uow, page, revealed=made.revealed_token)


def _revoke(uow: UnitOfWork, page: PageRequest) -> Response:
    token = auth_tokens.revoke_token(uow, page.viewer, str(page.form.get("token_id") or ""))
    page.flash(f"Token {token.token_prefix}… was revoked")
    return RedirectResponse(PAGE, 303)


async def tokens_page(request: Request) -> Response:
    return await page_requests.answer(request, _tokens, signed_in=True)


async def revoke_page(request: Request) -> Response:
    return await page_requests.answer(request, _revoke, signed_in=True)


ROUTES = [
    Route(PAGE, tokens_page, methods=["GET", "HEAD", "POST"]),
    Route(f"{PAGE}/delete", revoke_page, methods=["POST"]),
]
