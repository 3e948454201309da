"""What a commit changed: the changeset page's per-file diffs, the raw diff and the patch."""

from __future__ import annotations

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend, commit_at
from vcshub.services.repo_contents.records import ChangedFile, Changeset, CommitRecord
from vcshub.services.unit_of_work import UnitOfWork

MAX_DIFF_CHARS = 1_000_000  # a changeset page shows file diffs up to this total size


def changeset(uow: UnitOfWork, repo: Repository, rev: str) -> Changeset:
    """A commit and its diff against the first parent, cut per file."""
    commit = commit_at(backend(uow, repo), rev)
    budget = MAX_DIFF_CHARS
    files = []
    for piece in vcs.split_diff(commit.diff()):
        shown = len(piece.text) <= budget
        budget = budget - len(piece.text) if shown else 0  # the rest is left out too
        files.append(ChangedFile(
            old_path=piece.old_path,
            new_path=piece.new_path,
            added_lines=piece.added_lines,
            deleted_lines=piece.deleted_lines,
            binary=piece.binary,
            diff=piece.text if shown else None,
        ))
    return Changeset(commit=CommitRecord.of(commit), files=files)


def commit_diff(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """The git-style diff of a commit against its first parent."""
    commit = commit_at(backend(uow, repo), rev)
    return commit, commit.diff()


def commit_patch(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """``git format-patch`` (git) or ``hg export`` (hg) text of a commit."""
    commit = commit_at(backend(uow, repo), rev)
    return commit, commit.patch()
