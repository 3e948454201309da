"""The gist pages: the list ``/_admin/gists`` (RhodeCode's ``?public=1``/``?private=1``
filters, 50 a page), ``/_admin/gists/new``, one gist ``/_admin/gists/<access_id>``
(highlighted) with its raw files ``.../raw/<filename>``, ``.../edit`` and ``.../delete`` for
its owner or a super-admin.

A gist is found by its access id only, so a private gist's random id is what keeps it private;
``acl_private`` gists are shown to signed-in users only. Expired gists are gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.permissions.caller import Caller
from vcshub.services import gist_updates, gists
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.web import download_responses as respond
from vcshub.web import page_requests, web_auth
from vcshub.web.highlight import STYLE, highlighted
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState

# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
GIST_VIEW_NAMES = ("GistsController:show", "GistView:gist_show")
LIST_VIEW_NAMES = ("GistsController:index", "GistView:gist_show_all")
PER_PAGE = 50
LIFETIMES = {-1: "forever", 5: "5 minutes", 60: "1 hour", 1440: "1 day", 43200: "1 month"}
GISTS = "/_admin/gists"


def gist_url(gist) -> str:
    return f"{GISTS}/{quote(gist.access_id)}"


def _list(uow: UnitOfWork, page: PageRequest) -> Response:
    public, private = page.query.get("public") == "1", page.query.get("private") == "1"
    found = gists.web_listing(uow, page.viewer, public=public, private=private)
    number = page_number(page.query.get("page"))
    shown = found[(number - 1) * PER_PAGE: number * PER_PAGE]
    title = ("My gists" if public and private else "My private gists" if private
             else "My public gists" if public else "Public gists")
    if page.viewer is None:
        title = "Public gists"
    filters = "".join(f"&{k}=1" for k, on in (("public", public), ("private", private)) if on)
    rows = [(g, gist_url(g), _expiry(g.expires)) for g in shown]
    return page.render("gists.html", gists=rows, title=title,
                       page_number=number, has_next=len(found) > number * PER_PAGE,
                       filters=filters, now=uow.clock())


def _files_of(form) -> tuple[dict, list[tuple[str, str]]]:
    """The form's files ``{name: {"content"}}`` and the rows to show again if refused. Rows
    with neither a name nor content are ignored (the empty row the form keeps for a new file)."""
    rows = list(zip(form.getlist("filename"), form.getlist("content"), strict=False))
    rows = [(str(n).strip(), str(c).replace("\r\n", "\n"))
            for n, c in rows if str(n).strip() or str(c)]
    files: dict = {}
    for name, content in rows:
        if name in files:
            raise Invalid("files", f"two files are named {name!r}")
        files[name or "gistfile1.txt"] = {"content": content}
    return files, rows


def _lifetime(form) -> int:
    try:
        return int(str(form.get("lifetime") or "-1"))
    except ValueError:
        return 0  # refused by the service, naming the field


def _form_values(form) -> dict[str, str]:
    """The new and edit forms' shared fields, as they are shown again after a refusal."""
    return {
        "description": str(form.get("description") or ""),
        "acl_level": "acl_private" if form.get("acl_level") == "acl_private" else "acl_public",
    }


def _new(uow: UnitOfWork, page: PageRequest) -> Response:
    values = {"description": "", "gist_type": "public", "acl_level": "acl_public", "lifetime": "-1"}
    rows: list[tuple[str, str]] = [("", "")]
    error = ""
    if page.form is not None:
        form = page.form
        values = {**_form_values(form), "lifetime": str(form.get("lifetime") or "-1"),
                  "gist_type": "private" if form.get("gist_type") == "private" else "public"}
        try:
            files, rows = _files_of(form)
            made = gists.create_gist(
                uow, Caller(uow.db, page.viewer), files, gist_type=values["gist_type"],
                lifetime=_lifetime(form), acl_level=values["acl_level"],
                description=values["description"],
            )
        except Invalid as exc:  # checked before anything was made
            error = exc.reason
        else:
            page.flash("Gist created")
            return RedirectResponse(gist_url(made), 303)
    return page.render("gist_form.html", 400 if error else 200, editing=None, values=values,
                       rows=rows or [("", "")], error=error, lifetimes=LIFETIMES,
                       action=f"{GISTS}/new")


def _edit(uow: UnitOfWork, page: PageRequest) -> Response:
    gist = gists.visible_on_web(uow, page.viewer, page.path_params["gist_id"])
    caller = Caller(uow.db, page.viewer)
    if not gist_updates.may_edit(caller, gist):
        raise NotFound("gist", gist.access_id)
    values = {"description": gist.description, "acl_level": gist.acl_level, "lifetime": ""}
    rows = [(f.name, f.text) for f in gists.gist_files(uow, gist)]
    error = ""
    if page.form is not None:
        form = page.form
        values = {**_form_values(form), "lifetime": str(form.get("lifetime") or "")}
        try:
            files, rows = _files_of(page.form)
            gist_updates.update_gist(
                uow, caller, gist, files, description=values["description"],
                lifetime=_lifetime(form) if values["lifetime"] else None,
                acl_level=values["acl_level"],
            )
        except Invalid as exc:  # checked before anything changed
            error = exc.reason
        else:
            page.flash("Gist updated")
            return RedirectResponse(gist_url(gist), 303)
    return page.render("gist_form.html", 400 if error else 200, editing=gist, values=values,
                       rows=rows or [("", "")], error=error, lifetimes=LIFETIMES,
                       action=f"{gist_url(gist)}/edit")


def _delete(uow: UnitOfWork, page: PageRequest) -> Response:
    gist = gists.visible_on_web(uow, page.viewer, page.path_params["gist_id"])
    gists.delete_gist(uow, Caller(uow.db, page.viewer), gist)
    page.flash(f"Gist {gist.access_id} was deleted")
    return RedirectResponse(GISTS, 303)


def _show(uow: UnitOfWork, page: PageRequest) -> Response:
    gist = gists.visible_on_web(uow, page.viewer, page.path_params["gist_id"])
    editable = page.viewer is not None and gist_updates.may_edit(Caller(uow.db, page.viewer), gist)
    return page.render(
        "gist.html",
        gist=gist,
        expires=_expiry(gist.expires),
        files=gists.gist_files(uow, gist),
        editable=editable,
        gist_url=gist_url(gist),
        raw_base=f"{gist_url(gist)}/raw",
        style=STYLE,
        highlighted=lambda f: highlighted(f.name, f.text, f.lexer),
    )


def _expiry(expires: float) -> float | None:
    """When the gist expires, None for never. An expiry stored before lifetimes were capped
    may lie past the calendar's end (year 9999): it reads as "never" rather than failing."""
    if expires == -1:
        return None
    try:
        dt.datetime.fromtimestamp(expires, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return expires


async def gist_list(request: Request) -> Response:
    return await page_requests.answer(request, _list, LIST_VIEW_NAMES)


async def gist_new(request: Request) -> Response:
    return await page_requests.answer(request, _new, signed_in=True)


async def gist_page(request: Request) -> Response:
    return await page_requests.answer(request, _show, GIST_VIEW_NAMES)


async def gist_edit(request: Request) -> Response:
    return await page_requests.answer(request, _edit, signed_in=True)


async def gist_delete(request: Request) -> Response:
    return await page_requests.answer(request, _delete, signed_in=True)


async def gist_raw(request: Request) -> Response:
    """Raw bytes, not a page: errors answer as plain text (web/errors.py)."""
    state: AppState = request.app.state.vcshub
    credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
    return await run_in_threadpool(_raw, state, request, credentials)


def _raw(state: AppState, request: Request, credentials) -> Response:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        viewer = web_auth.identify(uow, credentials, GIST_VIEW_NAMES, False, state.login_throttle)
        gist = gists.visible_on_web(uow, viewer, request.path_params["gist_id"])
        found = gists.gist_file(uow, gist, request.path_params["filename"])
        return respond.raw_file(found, download=False)


ROUTES = [
    Route(GISTS, gist_list, methods=["GET", "HEAD"]),
    # before {gist_id}: "new" is no gist
    Route(f"{GISTS}/new", gist_new, methods=["GET", "HEAD", "POST"]),
    Route(GISTS + "/{gist_id}", gist_page, methods=["GET", "HEAD"]),
    Route(GISTS + "/{gist_id}/edit", gist_edit, methods=["GET", "HEAD", "POST"]),
    Route(GISTS + "/{gist_id}/delete", gist_delete, methods=["POST"]),
    Route(GISTS + "/{gist_id}/raw/{filename}", gist_raw, methods=["GET", "HEAD"]),
]
