"""The changelog page's read: one page of the history and its commit graph.

The graph of page N is laid out after page N-1's commits (read again, not shown), so lanes
entering the page from above sit where the previous page drew them leaving its bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcshub.db.models import Repository
from vcshub.services.repo_contents.graph import Graph, GraphRow, layout
from vcshub.services.repo_contents.history import CHANGELOG_PAGE, changelog
from vcshub.services.repo_contents.records import Changelog, CommitRecord
from vcshub.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class GraphedChangelog:
    changelog: Changelog
    graph: Graph

    @property
    def rows(self) -> list[tuple[CommitRecord, GraphRow]]:
        return list(zip(self.changelog.commits, self.graph.rows, strict=True))


def graphed_changelog(uow: UnitOfWork, repo: Repository, rev: str | None = None,
                      page: int = 1, per_page: int = CHANGELOG_PAGE,
                      branch: str | None = None) -> GraphedChangelog:
    """:func:`.history.changelog` (same arguments, same errors) with the page's graph."""
    found = changelog(uow, repo, rev, page, per_page, branch=branch)
    lead: list[CommitRecord] = []
    if page > 1 and found.commits:
        lead = changelog(uow, repo, rev, page - 1, per_page, branch=branch).commits
    rows = lead + found.commits
    if branch is not None and repo.repo_type == "hg":
        # One named branch: a parent on another branch is never listed, so its lane would
        # run down every page; lines go to the parents that are listed here only.
        listed = {c.raw_id for c in rows}
        pairs = [(c.raw_id, [p for p in c.parents if p in listed]) for c in rows]
    else:
        pairs = [(c.raw_id, list(c.parents)) for c in rows]
    return GraphedChangelog(found, layout(pairs, lead_in=len(lead)))
