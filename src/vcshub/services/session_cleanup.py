"""Ending browser sessions that have gone unused (RC-later's ``cleanup_sessions``).

Sessions are signed cookies (web/sessions.py): the server keeps no list of them, so it cannot
delete one by one. What it can do is end all of a user's sessions (a new ``session_key``), and
it knows when he last signed in and when his sessions were last ended. Cleanup therefore ends
the sessions of every user who has not signed in for ``older_then`` days and may still have a
live one (signed in after they were last ended); each such user counts once. A cookie unused
for ``web.sessions.SESSION_DAYS`` expires by itself anyway.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from vcshub.db.models import User
from vcshub.db.models.base import utcnow
from vcshub.permissions.caller import Caller
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

BACKEND = "cookie"
DEFAULT_DAYS = 60
MAX_DAYS = 100 * 366  # beyond, the cutoff would fall before year 1


def cleanup_sessions(uow: UnitOfWork, caller: Caller, older_then: int | None) -> int:
    """End the sessions of users idle for ``older_then`` days (none or 0: 60, as RhodeCode);
    super-admins only. Returns how many users' sessions were ended."""
    require_admin(caller)
    days = older_then or DEFAULT_DAYS
    if days < 0:
        days = DEFAULT_DAYS
    days = min(days, MAX_DAYS)
    cutoff = utcnow() - dt.timedelta(days=days)
    idle = uow.db.scalars(select(User).where(
        User.last_login < cutoff,
        or_(User.sessions_ended_on.is_(None), User.sessions_ended_on < User.last_login),
    ))
    ended = 0
    for user in idle:
        user.end_sessions()
        ended += 1
    uow.db.flush()
    return ended
