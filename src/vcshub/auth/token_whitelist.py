"""Which web views accept ``?auth_token=``: RhodeCode's ``api_access_controllers_whitelist``.

An entry is a glob over a view's ``Controller:view`` name (``FilesController:raw``,
``ChangesetController:*``); ``Controller:view@<token>`` limits the entry to that one token, as
RhodeCode 4 allows. A view may carry several names (the Kallithea/RhodeCode 3 controller name
and RhodeCode 4's view-class name); an entry matching any of them opens the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase


def parse_entries(entries: Iterable[str]) -> list[tuple[str, str | None]]:
    """(pattern, token or None) for every non-empty entry; whitespace is ignored."""
    parsed = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        pattern, sep, token = entry.partition("@")
        parsed.append((pattern.strip(), token.strip() if sep else None))
    return parsed


def token_allowed(entries: Iterable[str], view_names: Iterable[str], token: str) -> bool:
    """True when an entry opens one of ``view_names`` to ``token``."""
    names = list(view_names)
    for pattern, only_token in parse_entries(entries):
        if only_token is not None and only_token != token:
            continue
        if any(fnmatchcase(name, pattern) for name in names):
            return True
    return False
