"""The audit trail (REFERENCE.md section 5: ``get_audit_logs``, ``get_user_audit_logs``)."""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.coercion import Text
from vcshub.api.registry import MethodSet
from vcshub.serializers.audit import audit_entry_data
from vcshub.services import audit

methods = MethodSet()


@methods.method(writes=False)
def get_audit_logs(call: Call, query: Text):
    """Entries matching ``query`` (``user:`` ``action:`` ``type:`` ``object:`` ``since:``
    ``until:`` ``limit:``), newest first; super-admins only."""
    found = audit.search(call.uow, call.caller, audit.parse_query(query))
    return [audit_entry_data(entry) for entry in found]


@methods.method(writes=False)
def get_user_audit_logs(call: Call, userid=None):
    """What the user did and what was done to his account, newest first (himself, or a
    super-admin for anyone)."""
    return [audit_entry_data(e) for e in audit.of_user(call.uow, call.caller, userid)]
