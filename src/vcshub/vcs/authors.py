"""Author strings: "Name <email>" as both backends store and show them."""

from __future__ import annotations

import re

_AUTHOR = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]*)>\s*$")


def split_author(author: str) -> tuple[str, str]:
    """(name, email); an author without ``<email>`` gets an empty email."""
    match = _AUTHOR.match(author)
    if match:
        return match["name"] or match["email"], match["email"]
    return author.strip() or "unknown", ""
