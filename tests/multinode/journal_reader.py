"""The push journal of one repository as a node's public journal page shows it.

The two-node tests read the journal through the node under test, over HTTP, rather than from
the database: what matters is what that node answers. Entries are parsed from
``/_admin/public_journal`` (every page, following its "Older" link), newest first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import httpx

_ENTRY_START = '<li class="journal-entry"'
_REPO = re.compile(r'data-repo="([^"]*)"')
_USER = re.compile(r'<strong class="user">([^<]*)</strong>')
_ACTION = re.compile(r'<span class="action">([^<]*)</span>')
_OLDER = re.compile(r'<a href="([^"]*)" rel="next">')


@dataclass(frozen=True)
class PageEntry:
    username: str
    action: str  # "pushed 1 commit to branch master"
    commit_ids: tuple[str, ...]  # the first ten, as the page links them


def public_journal(server_url: str, repo_name: str) -> list[PageEntry]:
    """The entries of ``repo_name`` (a public repository) on the public journal, newest first."""
    changeset = re.compile(rf'href="/{re.escape(repo_name)}/changeset/([0-9a-f]+)"')
    found: list[PageEntry] = []
    path: str | None = "/_admin/public_journal"
    with httpx.Client(base_url=server_url, timeout=60) as http:
        while path:
            page = http.get(path)
            assert page.status_code == 200, page.text
            for chunk in page.text.split(_ENTRY_START)[1:]:
                chunk = chunk.split("</ol>", 1)[0]
                if html.unescape(_REPO.search(chunk).group(1)) != repo_name:
                    continue
                found.append(PageEntry(
                    username=html.unescape(_USER.search(chunk).group(1)),
                    action=html.unescape(_ACTION.search(chunk).group(1)),
                    commit_ids=tuple(changeset.findall(chunk)),
                ))
            older = _OLDER.search(page.text)
            path = html.unescape(older.group(1)) if older else None
    return found
