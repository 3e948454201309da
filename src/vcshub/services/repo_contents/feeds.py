"""A repository's latest commits as feed entries (the RSS/Atom documents are serializers')."""

from __future__ import annotations

from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend
from vcshub.services.repo_contents.records import Feed, FeedEntry
from vcshub.services.unit_of_work import UnitOfWork

FEED_ITEMS = 20
FEED_FILES = 50  # changed files listed per feed entry


def feed(uow: UnitOfWork, repo: Repository, limit: int = FEED_ITEMS) -> Feed:
    """The latest ``limit`` commits, newest first."""
    repository = backend(uow, repo)
    count = repository.commit_count()
    commits = repository.commits(start=max(count - limit, 0), limit=limit) if count else []
    entries = []
    for commit in reversed(commits):
        changes = [(c.op, c.path) for c in commit.changes(with_diff=False)]
        entries.append(
            FeedEntry(
                raw_id=commit.raw_id,
                short_id=commit.short_id,
                author=commit.author,
                date=commit.date.astimezone(),  # vcs dates are naive local time
                message=commit.message,
                summary=commit.summary,
                branch=commit.branch,
                changes=changes[:FEED_FILES],
                more_changes=max(len(changes) - FEED_FILES, 0),
            )
        )
    return Feed(repo_name=repo.repo_name, description=repo.description or "", entries=entries)
