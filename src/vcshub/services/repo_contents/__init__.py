"""Reading a repository at a revision: one service for the API, the pages and the raw views.

Who may read is decided once (:mod:`.reading`, through :mod:`vcshub.services.access`), a
revision is resolved once (:func:`.reading.commit_at`); the modules below answer by
responsibility and return plain records (:mod:`.records`). Unknown revisions and paths raise
the VCS layer's ``CommitNotFound`` / ``NodeNotFound``. Archives are in
:mod:`vcshub.services.archives`.
"""

from vcshub.services.repo_contents.changes import (
    changeset,
    changeset_diff,
    commit_diff,
    commit_patch,
    compare,
)
from vcshub.services.repo_contents.feeds import feed
from vcshub.services.repo_contents.files import annotate, browse, nodes_below, raw_file, summary
from vcshub.services.repo_contents.history import changelog, commits_from, file_history
from vcshub.services.repo_contents.refs import ref_names, refs
from vcshub.services.repo_contents.reading import (
    backend,
    commit_at,
    commit_or_empty,
    first_existing,
    open_readable,
    readable_repo,
)
from vcshub.services.repo_contents.records import (
    AnnotatedLine,
    Annotation,
    ChangedFile,
    Changelog,
    Changeset,
    CommitDiff,
    CommitRecord,
    Comparison,
    DiffFile,
    Directory,
    Entry,
    Feed,
    FeedEntry,
    FileContent,
    FileHistory,
    FileRevisionRecord,
    RawFile,
    RefRecord,
    Refs,
    Summary,
)
from vcshub.services.repo_contents.changelog_graph import GraphedChangelog, graphed_changelog

__all__ = [
    "AnnotatedLine", "Annotation", "ChangedFile", "Changelog", "Changeset", "CommitDiff",
    "CommitRecord", "Comparison", "DiffFile", "Directory", "Entry", "Feed", "FeedEntry",
    "FileContent", "FileHistory", "FileRevisionRecord", "RawFile", "RefRecord", "Refs",
    "Summary", "annotate", "backend", "browse", "changelog", "changeset", "changeset_diff",
    "commit_at", "commit_diff", "commit_or_empty", "commit_patch", "commits_from", "compare",
    "feed", "file_history", "first_existing", "nodes_below", "open_readable", "raw_file",
    "readable_repo", "ref_names", "refs", "summary",
    "GraphedChangelog", "graphed_changelog",
]

# appended: the files pages' last change per entry (services/repo_contents/last_changes.py)
from vcshub.services.repo_contents.last_changes import (  # noqa: E402
    EntryChange,
    EntryChanges,
    last_changes,
)

__all__ += ["EntryChange", "EntryChanges", "last_changes"]

# appended: every file path of a tree, for the file finder (services/repo_contents/tree_paths.py)
from vcshub.services.repo_contents.tree_paths import file_paths  # noqa: E402

__all__ += ["file_paths"]
