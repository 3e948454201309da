"""The audit log, ``/_admin/audit_logs`` (RhodeCode's URL; super-admins only, 404 for anyone
else): the trail of services/audit.py, newest first, filtered by who acted, the action, the
kind and name of the object and a date range; 50 entries a page, older pages by the last id.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from vcshub.serializers.audit import audit_entry_data
from vcshub.services import audit
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_pages import READ, admin_caller, admin_page
from vcshub.web.page_requests import PageRequest

PATH = "/_admin/audit_logs"
PAGE_SIZE = 50
# form field → the search's filter word (services/audit.parse_query)
FILTERS = (("user", "user"), ("action", "action"), ("type", "type"), ("object", "object"),
           ("since", "since"), ("until", "until"))


def _audit_logs(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    chosen = {field: str(page.query.get(field) or "").strip()[:255] for field, _ in FILTERS}
    words = " ".join(f"{word}:{chosen[field]}" for field, word in FILTERS
                     if chosen[field] and " " not in chosen[field])
    query = audit.parse_query(f"{words} limit:{PAGE_SIZE}".strip())
    before = str(page.query.get("before") or "")
    if before.isdigit():
        query = audit.AuditQuery(**{**query.__dict__, "before_id": int(before)})
    entries = [audit_entry_data(e) for e in audit.search(uow, caller, query)]
    filters = {k: v for k, v in chosen.items() if v}
    older = None
    if len(entries) == PAGE_SIZE:
        older = f"{PATH}?{urlencode({**filters, 'before': entries[-1]['user_log_id']})}"
    newest = f"{PATH}?{urlencode(filters)}" if before else None
    return page.render("admin_audit_logs.html", entries=entries, chosen=chosen,
                       older=older, newest=newest, list_path=PATH)


ROUTES = [Route(PATH, admin_page(_audit_logs), methods=READ)]
