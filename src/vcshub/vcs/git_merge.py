"""Merging one git commit into a branch of a (bare) git repository.

The merge is computed with pygit2 in a scratch repository beside the
target: a ``git clone --bare --shared`` of it (objects borrowed through
alternates, so instant whatever the history size) that borrows the source's
objects the same way, so that a fork's commits travel once, with the push,
instead of being fetched into the scratch repository first. Only the
finished merge commit reaches the target, by a ``git push
--force-with-lease`` that receive-pack applies as a compare-and-swap on the
branch: if the branch moved meanwhile, the target is left exactly as it was.

Read-only questions (common ancestor, commits to merge) need no scratch
repository: the source's object folder is added to a private pygit2 handle
of the target in memory only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pygit2
from pygit2.enums import SortMode

from .authors import split_author
from .errors import RepositoryError, RepositoryNotFound, VCSError
from . import git_command
from .merges import MergeResult, MergeStatus, merge_workspace, require_both, same_repository

def _run_git(command: str, *args: str, git_dir: Path | None = None) -> None:
    """Run ``git [--git-dir DIR] command args``; failures raise RepositoryError with git's own
    last words (:func:`git_command.run`)."""
    git_command.run([command, *args], git_dir=git_dir)


# -- looking at both repositories ---------------------------------------------

def _resolve(repo: pygit2.Repository, rev: str) -> pygit2.Oid | None:
    """Commit id of ``rev`` (id, short id, ref name), None when unknown."""
    if not isinstance(rev, str) or not rev.strip():
        return None
    try:
        return repo.revparse_single(rev.strip()).peel(pygit2.Commit).id
    except (KeyError, ValueError, TypeError, pygit2.GitError):
        return None


def _branch_head(repo: pygit2.Repository, branch: str) -> pygit2.Oid | None:
    try:
        ref = repo.references.get(f"refs/heads/{branch}")
        return ref.peel(pygit2.Commit).id if ref is not None else None
    except (KeyError, ValueError, pygit2.GitError):
        return None


def _open_pair(target_path: Path,
               source_path: Path) -> tuple[pygit2.Repository, pygit2.Repository]:
    """(view, source): ``view`` is a private handle of the target that also
    sees the source's objects; nothing is written to disk."""
    try:
        view = pygit2.Repository(str(target_path))
        if same_repository(target_path, source_path):
            return view, view
        source = pygit2.Repository(str(source_path))
    except (KeyError, pygit2.GitError) as exc:
        raise RepositoryNotFound(f"no git repository: {exc}") from None
    view.odb.add_disk_alternate(os.path.join(source.path, "objects"))
    return view, source


def _commit_pair(target_path, source_path, source_commit, target_commit):
    view, source = _open_pair(Path(target_path), Path(source_path))
    source_id = _resolve(source, source_commit)
    target_id = _resolve(view, target_commit)
    require_both(source_id, target_id, source_commit, target_commit)
    return view, source_id, target_id


def common_ancestor(target_path: Path, source_path: Path, source_commit: str,
                    target_commit: str) -> str | None:
    """Best common ancestor of the two commits, None for unrelated histories.
    Raises CommitNotFound for unknown revisions."""
    view, source_id, target_id = _commit_pair(target_path, source_path,
                                              source_commit, target_commit)
    base = view.merge_base(source_id, target_id)
    return str(base) if base is not None else None


def commits_to_merge(target_path: Path, source_path: Path, source_commit: str,
                     target_commit: str) -> list[str]:
    """Ids reachable from ``source_commit`` and not from ``target_commit``,
    parents before children. Raises CommitNotFound for unknown revisions."""
    view, source_id, target_id = _commit_pair(target_path, source_path,
                                              source_commit, target_commit)
    walker = view.walk(source_id, SortMode.TOPOLOGICAL | SortMode.REVERSE)
    walker.hide(target_id)
    return [str(commit.id) for commit in walker]


# -- merging --------------------------------------------------------------------

def _check(target_path: Path, source_path: Path, source_commit: str, target_branch: str,
           target_commit: str) -> MergeResult | tuple[pygit2.Oid, pygit2.Oid, bool]:
    """The ids to merge and whether the source is already merged, or why not."""
    try:
        view, source = _open_pair(target_path, source_path)
    except RepositoryNotFound as exc:
        return MergeResult(MergeStatus.MISSING_REF, message=str(exc))
    head = _branch_head(view, target_branch)
    if head is None:
        return MergeResult(MergeStatus.MISSING_REF, message=f"no branch {target_branch!r}")
    target_id = _resolve(view, target_commit)
    if target_id is None:
        return MergeResult(MergeStatus.MISSING_REF,
                           message=f"unknown target revision {target_commit!r}")
    if target_id != head:
        return MergeResult(MergeStatus.NOT_HEAD,
                           message=f"branch {target_branch!r} is at {head}, not {target_id}")
    source_id = _resolve(source, source_commit)
    if source_id is None:
        return MergeResult(MergeStatus.MISSING_REF,
                           message=f"unknown source revision {source_commit!r}")
    merged = source_id == target_id or view.descendant_of(target_id, source_id)
    return target_id, source_id, merged


def _borrow_source(work_path: Path, source_path: Path, source_id: pygit2.Oid) -> None:
    """Make ``source_id`` readable in the scratch repository."""
    if source_id in pygit2.Repository(str(work_path)):
        return  # same repository, or the target already has it
    # Borrowing is read-only for the source, like --shared is for the target.
    source_objects = os.path.join(pygit2.Repository(str(source_path)).path, "objects")
    with open(work_path / "objects" / "info" / "alternates", "a", encoding="utf-8") as out:
        out.write(source_objects + "\n")


def _conflict_paths(index: pygit2.Index) -> list[str]:
    paths = set()
    for ancestor, ours, theirs in index.conflicts:
        entry = ours or theirs or ancestor
        paths.add(entry.path)
    return sorted(paths)


def _publish(work_path: Path, target_path: Path, branch: str, target_id: pygit2.Oid,
             merge_id: pygit2.Oid) -> MergeResult:
    ref = f"refs/heads/{branch}"
    try:
        _run_git("push", "--quiet", f"--force-with-lease={ref}:{target_id}",
                 str(target_path), f"{merge_id}:{ref}", git_dir=work_path)
    except RepositoryError as exc:
        head = _branch_head(pygit2.Repository(str(target_path)), branch)
        if head != target_id:
            return MergeResult(MergeStatus.TARGET_MOVED,
                               message=f"branch {branch!r} moved to {head} during the merge")
        return MergeResult(MergeStatus.ERROR, message=str(exc))
    return MergeResult(MergeStatus.MERGED, str(merge_id), "merged")


def _merge(target_path: Path, source_path: Path, source_commit: str, target_branch: str,
           target_commit: str, message: str, author: str, dry_run: bool) -> MergeResult:
    checked = _check(target_path, source_path, source_commit, target_branch, target_commit)
    if isinstance(checked, MergeResult):
        return checked
    target_id, source_id, merged = checked
    if merged:
        return MergeResult(MergeStatus.MERGED, None if dry_run else str(target_id),
                           "nothing to merge: the source is already in the target")
    with merge_workspace(target_path) as scratch:
        work_path = scratch / "work.git"
        _run_git("clone", "--quiet", "--bare", "--shared", "--no-checkout",
                 str(target_path), str(work_path))
        _borrow_source(work_path, source_path, source_id)
        work = pygit2.Repository(str(work_path))
        if source_id not in work:
            return MergeResult(MergeStatus.MISSING_REF,
                               message=f"{source_id} is not readable in the source repository")
        # libgit2 writes merged file contents as blobs: into the scratch repository.
        index = work.merge_commits(target_id, source_id)
        if index.conflicts is not None:
            paths = _conflict_paths(index)
            return MergeResult(MergeStatus.CONFLICT,
                               message="conflicting changes in " + ", ".join(paths))
        if dry_run:
            return MergeResult(MergeStatus.MERGED, message="would merge cleanly")
        name, email = split_author(author)
        signature = pygit2.Signature(name, email)
        merge_id = work.create_commit(None, signature, signature, message,
                                      index.write_tree(work), [target_id, source_id])
        return _publish(work_path, target_path, target_branch, target_id, merge_id)


def merge(target_path: Path, source_path: Path, source_commit: str, target_branch: str,
          target_commit: str, message: str, author: str, *,
          dry_run: bool = False) -> MergeResult:
    """Merge ``source_commit`` of the repository at ``source_path`` into
    ``target_branch`` of the one at ``target_path``, whose head must be
    ``target_commit``; always with a merge commit (parents: target, source).
    See :meth:`Repository.merge` for the statuses."""
    try:
        # Absolute paths: git must never read a relative one as an option or a URL.
        return _merge(Path(os.path.abspath(target_path)), Path(os.path.abspath(source_path)),
                      source_commit, target_branch,
                      target_commit, message, author, dry_run)
    except (VCSError, pygit2.GitError, OSError, ValueError, KeyError) as exc:
        return MergeResult(MergeStatus.ERROR, message=str(exc) or type(exc).__name__)
