"""Reading a repository at a revision: one service for the API, the pages and the raw views.

Who may read is decided once (:mod:`.reading`, through :mod:`vcshub.services.access`), a
revision is resolved once (:func:`.reading.commit_at`); the modules below answer by
responsibility and return plain records (:mod:`.records`). Unknown revisions and paths raise
the VCS layer's ``CommitNotFound`` / ``NodeNotFound``. Archives are in
:mod:`vcshub.services.archives`.
"""

from vcshub.services.repo_contents.changelog_graph import GraphedChangelog, graphed_changelog
from vcshub.services.repo_contents.changes import changeset_diff, commit_diff, commit_patch, compare
from vcshub.services.repo_contents.commit_comments import CommentRecord, commit_comments
from vcshub.services.repo_contents.commit_range import CommitRange, commit_range
from vcshub.services.repo_contents.feeds import feed
from vcshub.services.repo_contents.files import (
    annotate,
    browse,
    file_node,
    files_below,
    nodes_below,
    raw_file,
    summary,
)
from vcshub.services.repo_contents.history import changelog, commits_from, file_history
from vcshub.services.repo_contents.last_changes import EntryChange, EntryChanges, last_changes
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
    Changelog,
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
from vcshub.services.repo_contents.refs import ref_heads, ref_names, refs
from vcshub.services.repo_contents.tree_paths import file_paths

__all__ = [
    "AnnotatedLine", "Annotation", "Changelog", "CommentRecord", "CommitRange",
    "commit_range", "CommitDiff", "CommitRecord",
    "Comparison", "DiffFile", "Directory", "Entry", "EntryChange", "EntryChanges", "Feed",
    "FeedEntry", "FileContent", "FileHistory", "FileRevisionRecord", "GraphedChangelog",
    "RawFile", "RefRecord", "Refs", "Summary", "annotate", "backend", "browse", "changelog",
    "changeset_diff", "commit_at", "commit_comments", "commit_diff", "commit_or_empty",
    "commit_patch", "commits_from", "compare", "feed", "file_history", "file_paths",
    "file_node", "files_below", "first_existing", "graphed_changelog",
    "ref_heads", "last_changes", "nodes_below", "open_readable",
    "raw_file", "readable_repo", "ref_names", "refs", "summary",
]
