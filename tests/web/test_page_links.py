"""web/page_links.py: numbered links with gaps, previous and next, and a way back from past
the end."""

from __future__ import annotations

from vcshub.web.page_links import pager


def shown(found) -> list:
    return [("…" if link.number is None else (f"[{link.number}]" if link.current else link.number))
            for link in found.links]


def url(number: int) -> str:
    return f"?page={number}"


def test_the_first_the_last_and_two_around_the_current_page():
    middle = pager(6, 31, url)
    assert shown(middle) == [1, "…", 4, 5, "[6]", 7, 8, "…", 31]
    assert (middle.previous, middle.next) == ("?page=5", "?page=7")
    assert shown(pager(1, 3, url)) == ["[1]", 2, 3]
    first = pager(1, 3, url)
    assert (first.previous, first.next) == (None, "?page=2")
    assert shown(pager(4, 7, url)) == [1, 2, 3, "[4]", 5, 6, 7]  # no gap of one page


def test_one_page_has_no_links_but_past_the_end_leads_back():
    assert pager(1, 1, url) is None
    beyond = pager(9, 3, url)
    assert shown(beyond) == [1, 2, 3] and (beyond.previous, beyond.next) == ("?page=3", None)
