"""The audit trail, read and written by people: sign-ins (the one kind of entry no row change
implies; everything else is recorded by db/audit_trail.py as it commits), the entries a
super-admin searches (API ``get_audit_logs``, the admin page) and a user's own
(``get_user_audit_logs``), and the retention that removes old entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, or_, select

from vcshub.db import audit_trail
from vcshub.db.engine import writer_engine
from vcshub.db.models import AuditEntry, User
from vcshub.permissions.caller import Caller
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin, target_user

MAX_ENTRIES = 1000  # one answer's most


def signed_in(uow: UnitOfWork, user: User, ip: str, via: str) -> None:
    uow.acting(via, user, ip)
    audit_trail.record(uow.db, "user.login.success", "user", user.user_id, user.username)


def signed_out(uow: UnitOfWork, user: User, ip: str, via: str) -> None:
    uow.acting(via, user, ip)
    audit_trail.record(uow.db, "user.logout", "user", user.user_id, user.username)


def sign_in_failed(engine: Engine, username: str, ip: str, via: str) -> None:
    """Written at once, in a transaction of its own (on ``engine``, the server's): the failing
    request's unit rolls back. The name tried is kept (it may be no user's): a password spray
    shows as such."""
    origin = audit_trail.Origin(via, None, None, ip)
    audit_trail.write_now(writer_engine(engine), origin, "user.login.failure",
                          "user", None, str(username)[:255])


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the admin's search; every one optional."""

    username: str | None = None  # who acted
    action: str | None = None  # exact, or a prefix ending in '*' (repo.*)
    object_type: str | None = None
    object_name: str | None = None  # the object's name at the time (prefix with '*')
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100
    before_id: int | None = None  # entries older than this one (the next page)


def parse_query(text: object) -> AuditQuery:
    """``user:alice action:repo.* object:repo/name type:repo since:2026-01-01 until:… limit:50``
    (``get_audit_logs``' ``query``); a bare word is an action."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise Invalid("query", "must be a string")
    values: dict[str, object] = {}
    names = {"user": "username", "action": "action", "type": "object_type",
             "object": "object_name", "since": "since", "until": "until", "limit": "limit"}
    for word in text.split():
        key, sep, value = word.partition(":")
        if not sep:
            key, value = "action", word
        if key not in names or not value:
            raise Invalid("query", f"unknown filter `{word}` (use {', '.join(names)})")
        values[names[key]] = value
    for key in ("since", "until"):
        if key in values:
            try:
                values[key] = dt.datetime.fromisoformat(str(values[key]))
            except ValueError:
                raise Invalid("query", f"`{key}` must be a date, e.g. 2026-12-01") from None
    if "limit" in values:
        if not str(values["limit"]).isdigit() or not 0 < int(values["limit"]) <= MAX_ENTRIES:
            raise Invalid("query", f"`limit` must be a number from 1 to {MAX_ENTRIES}")
        values["limit"] = int(values["limit"])
    return AuditQuery(**values)


def search(uow: UnitOfWork, caller: Caller, query: AuditQuery) -> list[AuditEntry]:
    """Entries matching ``query``, newest first (super-admins only)."""
    require_admin(caller)
    statement = select(AuditEntry)
    if query.username is not None:
        statement = statement.where(AuditEntry.username == query.username)
    if query.action is not None:
        statement = statement.where(_matches(AuditEntry.action, query.action))
    if query.object_type is not None:
        statement = statement.where(AuditEntry.object_type == query.object_type)
    if query.object_name is not None:
        statement = statement.where(_matches(AuditEntry.object_name, query.object_name))
    if query.since is not None:
        statement = statement.where(AuditEntry.created_on >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEntry.created_on < query.until)
    if query.before_id is not None:
        statement = statement.where(AuditEntry.entry_id < query.before_id)
    statement = statement.order_by(AuditEntry.entry_id.desc()).limit(min(query.limit, MAX_ENTRIES))
    return list(uow.db.scalars(statement))


def _matches(column, pattern: str):
    if pattern.endswith("*"):
        prefix = pattern[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.like(prefix + "%", escape="\\")
    return column == pattern


def of_user(uow: UnitOfWork, caller: Caller, userid: object = None,
            limit: int = MAX_ENTRIES) -> list[AuditEntry]:
    """What a user did and what was done to his account (himself, or a super-admin for anyone)."""
    user = target_user(uow, caller, userid)
    statement = (
        select(AuditEntry)
        .where(or_(AuditEntry.user_id == user.user_id,
                   (AuditEntry.object_type == "user") & (AuditEntry.object_id == user.user_id)))
        .order_by(AuditEntry.entry_id.desc())
        .limit(limit)
    )
    return list(uow.db.scalars(statement))


def remove_older_than(uow: UnitOfWork, days: int, now: dt.datetime) -> int:
    """The retention (``audit_retention_days``; the server's own timer, no caller): entries
    older than ``days`` go. 0 keeps everything."""
    if days <= 0:
        return 0
    result = uow.db.execute(
        delete(AuditEntry.__table__).where(AuditEntry.created_on < now - dt.timedelta(days=days))
    )
    return result.rowcount or 0
