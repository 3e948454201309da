"""What the summary page shows of a repository besides its files: the README of the landing
revision and how many branches, tags and bookmarks it has, read from one open backend.

The README is the first of README.md, README.markdown, README.rst, README.txt and README
(names compared case-insensitively, as RhodeCode does) in the landing revision's root. Its
text is returned as text with its format; rendering and sanitising it is the page's job
(web/markup.py), so that no service ever hands out HTML made from repository content.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services.repo_contents.files import summary_of
from vcshub.services.repo_contents.reading import backend
from vcshub.services.repo_contents.records import Entry, Summary
from vcshub.services.unit_of_work import UnitOfWork

# Lower-case name → format, in order of preference.
README_NAMES = {
    "readme.md": "markdown",
    "readme.markdown": "markdown",
    "readme.rst": "rst",
    "readme.txt": "text",
    "readme": "text",
}
MAX_README_BYTES = 512_000  # a larger README is linked, not rendered into the page


@dataclass(frozen=True, slots=True)
class Readme:
    path: str
    format: str  # "markdown", "rst" or "text"
    text: str | None  # None when larger than MAX_README_BYTES
    size: int


@dataclass(frozen=True, slots=True)
class RefCounts:
    branches: int
    tags: int
    bookmarks: int


@dataclass(frozen=True, slots=True)
class Overview:
    summary: Summary
    readme: Readme | None
    counts: RefCounts
    default_branch: str | None  # None for an empty repository


def overview(uow: UnitOfWork, repo: Repository) -> Overview:
    """The summary page's reading of a repository the caller may read (see readable_repo)."""
    repository = backend(uow, repo)
    summary = summary_of(repo, repository)
    found = None
    if summary.landing is not None:
        found = readme_in(repository, summary.landing.raw_id, summary.entries)
    counts = RefCounts(len(repository.branches()), len(repository.tags()),
                       len(repository.bookmarks()))
    default = None if summary.landing is None else repository.default_branch
    return Overview(summary=summary, readme=found, counts=counts, default_branch=default)


def readme(uow: UnitOfWork, repo: Repository) -> Readme | None:
    """The README of the landing revision's root, or None."""
    return overview(uow, repo).readme


def readme_in(repository: vcs.Repository, commit_id: str, entries: list[Entry]) -> Readme | None:
    """The preferred README among a root's ``entries`` at ``commit_id``; symlinks and folders
    do not count (a link's text is its target, not a README)."""
    by_name = {e.name.lower(): e for e in entries if not e.is_dir and not e.is_symlink}
    for name, kind in README_NAMES.items():
        entry = by_name.get(name)
        if entry is None:
            continue
        if entry.size > MAX_README_BYTES:
            return Readme(entry.path, kind, None, entry.size)
        content = repository.get_node(commit_id, entry.path).content
        return Readme(entry.path, kind, content.decode("utf-8", "replace"), entry.size)
    return None


def default_branch(uow: UnitOfWork, repo: Repository) -> str | None:
    """The branch a plain clone checks out; None for an empty repository."""
    repository = backend(uow, repo)
    return None if repository.is_empty() else repository.default_branch
