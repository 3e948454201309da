"""``?page=`` for every paginated page."""

from __future__ import annotations


def page_number(value: str | None) -> int:
    """``?page=``: a positive number; anything else is the first page."""
    if value and value.isascii() and value.isdigit() and len(value) < 7:
        return max(int(value), 1)
    return 1
