"""``/_admin/settings/exceptions`` and ``/_admin/settings/exceptions/<id>`` (RhodeCode's
exception tracker): the unexpected errors the server met and the ones clients sent with the
API's ``store_exception``, newest first, and one entry with its traceback.

A tab of the settings pages, with their guard (a 404 for everyone but super-admins); the
service (services/exception_store.py) checks again itself.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from vcshub.serializers.datetimes import format_datetime
from vcshub.services import exception_store
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_settings_pages import HOME, settings_page
from vcshub.web.admin_user_pages import READ, admin_caller, admin_page
from vcshub.web.page_requests import PageRequest

TAB = "/exceptions"
MESSAGE_SHOWN = 200  # characters of a message in the list


def _row(entry: exception_store.ExceptionEntry) -> dict:
    message = entry.message if len(entry.message) <= MESSAGE_SHOWN else (
        entry.message[:MESSAGE_SHOWN] + "…")
    return {"exc_id": entry.exc_id, "when": format_datetime(entry.created_on),
            "exc_type": entry.exc_type, "message": message, "prefix": entry.prefix,
            "where": entry.where}


def _list(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    found = exception_store.entries(uow.settings, caller)
    return settings_page(page, "admin_settings_exceptions.html", TAB, title="Exceptions tracker",
                         entries=[_row(e) for e in found])


def _show(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    entry = exception_store.entry(uow.settings, caller, page.path_params["exc_id"])
    return settings_page(page, "admin_settings_exception.html", TAB,
                         title=f"Exception {entry.exc_id}", entry=_row(entry),
                         traceback=entry.traceback)


ROUTES = [
    Route(f"{HOME}{TAB}", admin_page(_list), methods=READ),
    Route(HOME + TAB + "/{exc_id}", admin_page(_show), methods=READ),
]
