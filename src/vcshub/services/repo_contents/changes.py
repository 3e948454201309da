"""What changed: a commit's per-file diffs, raw diff and patch; the comparison of two revisions."""

from __future__ import annotations

from collections.abc import Iterator

from vcshub import vcs
from vcshub.db.models import Repository, User
from vcshub.services.repo_contents.reading import backend, commit_at, readable_repo
from vcshub.services.repo_contents.records import (
    CommitDiff,
    CommitRecord,
    Comparison,
    DiffFile,
)
from vcshub.services.unit_of_work import UnitOfWork

MAX_DIFF_CHARS = 1_000_000  # a changeset page shows file diffs up to this total size
MAX_COMPARE_COMMITS = 1_000  # a comparison lists at most this many commits (the oldest)


def changeset_diff(uow: UnitOfWork, repo: Repository, rev: str, *, ignore_whitespace: bool = False,
                   max_chars: int = MAX_DIFF_CHARS) -> CommitDiff:
    """A commit's diff against its first parent for the renderer: renames and copies shown as
    such, hunks with line numbers, whitespace ignored on request; files past ``max_chars`` of
    diff text in all come without hunks."""
    repository = backend(uow, repo)
    commit = commit_at(repository, rev)
    parent = commit.parents[0] if commit.parents else None
    text = repository.diff(parent, commit.raw_id, renames=True, ignore_whitespace=ignore_whitespace)
    return CommitDiff(commit=CommitRecord.of(commit), files=_structured(text, max_chars))


def compare(uow: UnitOfWork, repo: Repository, base_rev: str, head_rev: str,
            head_repo_name: str | None = None, *, viewer: User | None = None,
            ignore_whitespace: bool = False, max_chars: int = MAX_DIFF_CHARS,
            max_commits: int = MAX_COMPARE_COMMITS) -> Comparison:
    """What ``head_rev`` has that ``base_rev`` has not: the commits reachable from the head
    but not from the base (``git log base..head``), oldest first, and the diff from their
    common ancestor to the head (what merging the head would bring).

    ``repo`` (from :func:`readable_repo`) holds the base; ``head_repo_name`` names the
    repository holding the head when it is another one (a fork). That one is checked here,
    for ``viewer`` (None: anonymous), like every repository a page reads: NotFound when he
    may not read it.

    At most ``max_commits`` commits are read (the oldest); ``more_commits`` says how many
    were left out (only their ids were walked, no commit object is loaded for them).
    """
    head_repo = readable_repo(uow, viewer, head_repo_name) if head_repo_name is not None else None
    target = backend(uow, repo)
    source = backend(uow, head_repo) if head_repo is not None else target
    base = commit_at(target, base_rev)
    head = commit_at(source, head_rev)
    ancestor = target.common_ancestor(source.path, head.raw_id, base.raw_id)
    ids = target.commits_to_merge(source.path, head.raw_id, base.raw_id)
    commits = [CommitRecord.of(commit) for commit in source.get_commits(ids[:max_commits])]
    return Comparison(
        base=CommitRecord.of(base),
        head=CommitRecord.of(head),
        ancestor=ancestor,
        commits=commits,
        files=_structured(source.diff(ancestor, head.raw_id, renames=True,
                                      ignore_whitespace=ignore_whitespace), max_chars),
        more_commits=max(0, len(ids) - max_commits),
    )


def _within_budget(diff: str, budget: int) -> Iterator[tuple[vcs.FileDiff, bool]]:
    """The diff cut per file, each with whether the page shows its text: files are shown in
    order until ``budget`` characters of diff text are used up, the rest are left out."""
    for piece in vcs.split_diff(diff):
        shown = len(piece.text) <= budget
        budget = budget - len(piece.text) if shown else 0
        yield piece, shown


def _structured(diff: str, budget: int) -> list[DiffFile]:
    """A diff cut per file with its hunks; past the size budget, files come without."""
    return [
        DiffFile(
            old_path=piece.old_path,
            new_path=piece.new_path,
            operation=piece.operation,
            binary=piece.binary,
            old_mode=piece.old_mode,
            new_mode=piece.new_mode,
            similarity=piece.similarity,
            added_lines=piece.added_lines,
            deleted_lines=piece.deleted_lines,
            hunks=tuple(piece.hunks) if shown else None,
        )
        for piece, shown in _within_budget(diff, budget)
    ]


def commit_diff(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """The git-style diff of a commit against its first parent."""
    commit = commit_at(backend(uow, repo), rev)
    return commit, commit.diff()


def commit_patch(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """``git format-patch`` (git) or ``hg export`` (hg) text of a commit."""
    commit = commit_at(backend(uow, repo), rev)
    return commit, commit.patch()
