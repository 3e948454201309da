"""Times on pages: "3 hours ago" to read, the exact UTC time on hover (the ``title``) and for
machines (``datetime``). Written by the server, so no script is needed and nothing flickers;
pages are never cached (templating.PAGE_HEADERS), so "ago" is as of the page load."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

_STEPS = [(60, "minute"), (3600, "hour"), (86400, "day"), (30 * 86400, "month"), (365 * 86400, "year")]


def ago(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    seconds = ((now or dt.datetime.now(dt.UTC)) - _utc(moment)).total_seconds()
    if seconds < -60:  # an expiry (tokens, gists): "in 3 hours"
        return "in " + ago(now or dt.datetime.now(dt.UTC), _utc(moment)).removesuffix(" ago")
    if seconds < 0:
        return "just now"
    if seconds < 60:
        return "just now"
    unit_seconds, unit = _STEPS[0]
    for limit, name in _STEPS:
        if seconds >= limit:
            unit_seconds, unit = limit, name
    count = int(seconds // unit_seconds)
    return f"{count} {unit}{'s' if count != 1 else ''} ago"


def when(moment: dt.datetime | float | None) -> Markup:
    """A ``<time>`` element for ``moment`` (a datetime, naive meaning UTC, or a timestamp)."""
    if moment is None:
        return Markup("")
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.fromtimestamp(moment, dt.UTC)
    moment = _utc(moment)
    exact = moment.strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        moment.isoformat(), exact, escape(ago(moment))
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
