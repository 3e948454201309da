"""Datetimes as the contract writes them: naive local ISO-8601, truncated to milliseconds."""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache


@lru_cache(maxsize=4096)
def _utc_offset(hour: dt.datetime) -> dt.timedelta:
    return hour.replace(tzinfo=dt.UTC).astimezone().utcoffset() or dt.timedelta(0)


# A zone without daylight saving time (UTC on most servers) has one offset for all time.
_FIXED_OFFSET = None if time.daylight else dt.timedelta(seconds=-time.timezone)


def to_local(value: dt.datetime) -> dt.datetime:
    """Stored datetimes are naive UTC; clients see the server's local time.

    The offset is looked up once per hour of time, or once for good (listings format thousands
    of dates, and asking the time zone each time was most of get_repos' serialisation).
    """
    if _FIXED_OFFSET is not None:
        return value + _FIXED_OFFSET
    return value + _utc_offset(value.replace(minute=0, second=0, microsecond=0))


def format_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    local = to_local(value)
    return local.isoformat(timespec="milliseconds" if local.microsecond else "seconds")


def format_timestamp(value: float) -> str:
    """A Unix timestamp in the same format."""
    return format_datetime(dt.datetime.fromtimestamp(value, dt.UTC).replace(tzinfo=None))
