"""Datetimes as the contract writes them: naive local ISO-8601, truncated to milliseconds."""

from __future__ import annotations

import datetime as dt


def to_local(value: dt.datetime) -> dt.datetime:
    """Stored datetimes are naive UTC; clients see the server's local time."""
    return value.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def format_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    local = to_local(value)
    if local.microsecond == 0:
        return local.strftime("%Y-%m-%dT%H:%M:%S")
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def format_timestamp(value: float) -> str:
    """A Unix timestamp in the same format."""
    return format_datetime(dt.datetime.fromtimestamp(value, dt.UTC).replace(tzinfo=None))
