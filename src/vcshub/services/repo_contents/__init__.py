"""Reading a repository at a revision: one service for the API, the pages and the raw views.

Who may read is decided once (:mod:`.reading`, through :mod:`vcshub.services.access`), a
revision is resolved once (:func:`.reading.commit_at`); the modules below answer by
responsibility and return plain records (:mod:`.records`). Unknown revisions and paths raise
the VCS layer's ``CommitNotFound`` / ``NodeNotFound``. Archives are in
:mod:`vcshub.services.archives`.
"""

from vcshub.services.repo_contents.changes import changeset, commit_diff, commit_patch
from vcshub.services.repo_contents.feeds import feed
from vcshub.services.repo_contents.files import browse, nodes_below, raw_file, summary
from vcshub.services.repo_contents.history import changelog, commits_from
from vcshub.services.repo_contents.reading import (
    backend,
    commit_at,
    commit_or_empty,
    first_existing,
    open_readable,
    readable_repo,
)
from vcshub.services.repo_contents.records import (
    ChangedFile,
    Changelog,
    Changeset,
    CommitRecord,
    Directory,
    Entry,
    Feed,
    FeedEntry,
    FileContent,
    RawFile,
    Summary,
)

__all__ = [
    "ChangedFile", "Changelog", "Changeset", "CommitRecord", "Directory", "Entry", "Feed",
    "FeedEntry", "FileContent", "RawFile", "Summary", "backend", "browse", "changelog",
    "changeset", "commit_at", "commit_diff", "commit_or_empty", "commit_patch", "commits_from",
    "feed", "first_existing", "nodes_below", "open_readable", "raw_file", "readable_repo",
    "summary",
]
