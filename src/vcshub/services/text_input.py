"""Text the database can hold, whoever sends it: no NUL character in any stored value.

PostgreSQL refuses NUL in text and JSON columns (the write fails deep in the driver), while
SQLite keeps it, so the same request would succeed on one database and crash on the other, and a
SQLite database holding NUL could never move to PostgreSQL. Rather than every service checking
every text field (and the next adapter forgetting one), every row a session is about to write is
checked before the flush, and refused with :class:`Invalid` naming the field.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from vcshub.services.errors import Invalid

NUL = "\0"


def holds_nul(value: object) -> bool:
    """Whether text, or any text inside a JSON value (lists, objects, keys), holds NUL."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def refuse_nul(field: str, value: object) -> None:
    """For services that check a value before any row exists (names become folders first)."""
    if holds_nul(value):
        raise Invalid(field, "NUL characters are not allowed")


@event.listens_for(Session, "before_flush")
def _check_rows(session: Session, flush_context: object, instances: object) -> None:
    for row in (*session.new, *session.dirty):
        state = inspect(row)
        loaded = state.dict  # only what was set or loaded: reading more would query mid-flush
        for column in state.mapper.column_attrs:
            if column.key in loaded:
                refuse_nul(column.key, loaded[column.key])
