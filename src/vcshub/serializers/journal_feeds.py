"""The journal as feed items (RSS/Atom documents come from :mod:`.feeds`): who did what in
which repository, with links to the commits a push brought."""

from __future__ import annotations

import html
from collections.abc import Callable

from vcshub.serializers.feeds import Item
from vcshub.services.journal_view import JournalItem

FEED_COMMITS = 10  # commits linked per entry; the rest are counted
# What a background task's entries say (services/repo_population.py)
OTHER_ACTIONS = {"repo_created": "created the repository from its source",
                 "repo_creation_failed": "could not create the repository"}


def action_text(item: JournalItem) -> str:
    """"pushed 3 commits to branch master", "deleted tag v1", ..."""
    if item.action != "push":
        return OTHER_ACTIONS.get(item.action, item.action)
    count = len(item.commit_ids)
    moved = ", ".join(f"{'deleted ' if r.new is None else ''}{r.kind} {r.name}"
                      for r in item.refs) or "refs"
    if count:
        return f"pushed {count} commit{'s' if count != 1 else ''} to {moved}"
    return f"pushed {moved}"


def items(found: list[JournalItem], repo_url: Callable[[str], str],
          entry_url: Callable[[int], str]) -> list[Item]:
    """``repo_url(name)``: a repository's absolute URL; ``entry_url(id)``: the entry's own id."""
    made = []
    for item in found:
        url = repo_url(item.repo_name)
        links = "".join(
            f'<li><a href="{html.escape(url)}/changeset/{html.escape(commit)}">'
            f"{html.escape(commit[:12])}</a></li>"
            for commit in item.commit_ids[:FEED_COMMITS]
        )
        more = len(item.commit_ids) - FEED_COMMITS
        body = (f"<p>{html.escape(item.username)} {html.escape(action_text(item))} in "
                f'<a href="{html.escape(url)}">{html.escape(item.repo_name)}</a></p>'
                + (f"<ul>{links}{f'<li>… and {more} more</li>' if more > 0 else ''}</ul>"
                   if links else ""))
        made.append(Item(
            title=f"{item.username} {action_text(item)} in {item.repo_name}",
            link=url, date=item.created_on, html=body, author=item.username,
            guid=entry_url(item.entry_id),
        ))
    return made
