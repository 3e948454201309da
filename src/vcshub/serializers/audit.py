"""An audit-trail entry as the API and the admin's audit page show it (RhodeCode's user-log
shape: ``user_log_id``, ``action``, ``action_date``, ``action_data``, ``user_ip`` …, with
vcshub's ``via`` and the object the entry is about)."""

from __future__ import annotations

from vcshub.db.models import AuditEntry
from vcshub.serializers.datetimes import format_datetime


def audit_entry_data(entry: AuditEntry) -> dict:
    is_repo = entry.object_type == "repo"
    return {
        "user_log_id": entry.entry_id,
        "user_id": entry.user_id,
        "username": entry.username,
        "user_ip": entry.ip,
        "via": entry.via,
        "action": entry.action,
        "action_date": format_datetime(entry.created_on),
        "action_data": {
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_name": entry.object_name,
            "before": entry.before,
            "after": entry.after,
        },
        "user_data": {"user_id": entry.user_id, "username": entry.username},
        "repository_id": entry.object_id if is_repo else None,
        "repository_name": entry.object_name if is_repo else None,
        "version": "v2",
    }
