"""What changed: a commit's per-file diffs, raw diff and patch; the comparison of two revisions."""

from __future__ import annotations

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend, commit_at
from vcshub.services.repo_contents.records import ChangedFile, Changeset, CommitRecord, Comparison
from vcshub.services.unit_of_work import UnitOfWork

MAX_DIFF_CHARS = 1_000_000  # a changeset page shows file diffs up to this total size


def changeset(uow: UnitOfWork, repo: Repository, rev: str) -> Changeset:
    """A commit and its diff against the first parent, cut per file."""
    commit = commit_at(backend(uow, repo), rev)
    return Changeset(commit=CommitRecord.of(commit), files=_files(commit.diff()))


def compare(uow: UnitOfWork, repo: Repository, base_rev: str, head_rev: str,
            head_repo: Repository | None = None) -> Comparison:
    """What ``head_rev`` has that ``base_rev`` has not: the commits reachable from the head
    but not from the base (``git log base..head``), oldest first, and the diff from their
    common ancestor to the head (what merging the head would bring).

    ``repo`` holds the base; ``head_repo`` (a fork, already checked readable by the caller
    like ``repo``) the head, when it is another repository.
    """
    target = backend(uow, repo)
    source = backend(uow, head_repo) if head_repo is not None else target
    base = commit_at(target, base_rev)
    head = commit_at(source, head_rev)
    ancestor = target.common_ancestor(source.path, head.raw_id, base.raw_id)
    ids = target.commits_to_merge(source.path, head.raw_id, base.raw_id)
    commits = [CommitRecord.of(source.get_commit(commit_id)) for commit_id in ids]
    return Comparison(
        base=CommitRecord.of(base),
        head=CommitRecord.of(head),
        ancestor=ancestor,
        commits=commits,
        files=_files(source.diff(ancestor, head.raw_id)),
    )


def _files(diff: str) -> list[ChangedFile]:
    """A diff cut per file; file diffs past the page's size budget are left out (None)."""
    budget = MAX_DIFF_CHARS
    files = []
    for piece in vcs.split_diff(diff):
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
    return files


def commit_diff(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """The git-style diff of a commit against its first parent."""
    commit = commit_at(backend(uow, repo), rev)
    return commit, commit.diff()


def commit_patch(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[vcs.Commit, str]:
    """``git format-patch`` (git) or ``hg export`` (hg) text of a commit."""
    commit = commit_at(backend(uow, repo), rev)
    return commit, commit.patch()
