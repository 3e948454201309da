"""Writing commits into a (bare) git repository with pygit2, no working tree needed."""

from __future__ import annotations

from collections.abc import Mapping

import pygit2

from .authors import split_author
from .errors import RepositoryError


def commit_files(
    repo: pygit2.Repository,
    files: Mapping[str, bytes | None],
    message: str,
    author: str,
    branch: str,
) -> str:
    """Commit ``files`` (None deletes) on top of ``branch``; returns the new commit id."""
    ref_name = f"refs/heads/{branch}"
    parent = None
    if ref_name in repo.references:
        parent = repo.references[ref_name].peel(pygit2.Commit)
    index = pygit2.Index()
    if parent is not None:
        index.read_tree(parent.tree)
    for path, data in files.items():
        if not path or path.startswith("/") or ".." in path.split("/"):
            raise RepositoryError(f"invalid file path {path!r}")
        if data is None:
            try:
                index.remove(path)
            except (OSError, KeyError, pygit2.GitError):
                pass
            continue
        blob = repo.create_blob(data)
        index.add(pygit2.IndexEntry(path, blob, pygit2.enums.FileMode.BLOB))
    tree = index.write_tree(repo)
    name, email = split_author(author)
    signature = pygit2.Signature(name, email)
    oid = repo.create_commit(
        ref_name, signature, signature, message, tree, [parent.id] if parent is not None else []
    )
    if repo.head_is_unborn:
        repo.set_head(ref_name)
    return str(oid)


def strip_branch(repo: pygit2.Repository, heads: Mapping[str, str], commit,
                 branch: str | None) -> tuple[str, pygit2.Oid]:
    """The branch a strip of ``commit`` moves back (without ``branch``: the one branch holding
    it) and that branch's head; refused when the commit is not on it."""
    if branch is None:
        containing = commit.branches_containing
        if len(containing) != 1:
            raise RepositoryError(
                f"commit {commit.short_id} is on {len(containing)} branches;"
                " name the branch to strip")
        branch = containing[0]
    if branch not in heads:
        raise RepositoryError(f"no branch {branch!r}")
    head = pygit2.Oid(hex=heads[branch])
    if head != commit._oid and not repo.descendant_of(head, commit._oid):
        raise RepositoryError(f"commit {commit.short_id} is not on branch {branch!r}")
    return branch, head
