"""Numbered links to the pages of a long list: the first and last page, the pages around the
current one, gaps between (``1 … 4 5 [6] 7 8 … 31``), and the previous and next page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

AROUND = 2  # pages shown on each side of the current one


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str | None = None
    current: bool = False


@dataclass(frozen=True)
class Pager:
    links: list[PageLink]
    previous: str | None
    next: str | None


def pager(current: int, pages: int, url_for: Callable[[int], str]) -> Pager | None:
    """The links for page ``current`` of ``pages``; None when everything fits on one page and
    the reader is on it (a page past the end still gets a way back)."""
    if pages <= 1 and current <= 1:
        return None
    anchor = min(current, pages)  # past the end: the pages before the end
    shown = {1, pages, *range(anchor - AROUND, anchor + AROUND + 1)}
    links: list[PageLink] = []
    for number in sorted(n for n in shown if 1 <= n <= pages):
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, url_for(number), number == current))
    return Pager(
        links,
        previous=url_for(min(current - 1, pages)) if current > 1 else None,
        next=url_for(current + 1) if current < pages else None,
    )
