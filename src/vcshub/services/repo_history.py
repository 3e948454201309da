"""Reading history and trees of a repository: changesets and nodes."""

from __future__ import annotations

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import access, repo_disk
from vcshub.services.unit_of_work import UnitOfWork


def readable(uow: UnitOfWork, caller: Caller, repoid: object) -> tuple[Repository, vcs.Repository]:
    repo = access.repo(uow, caller, repoid, "repository.read")
    return repo, repo_disk.open_vcs(uow, repo)


def commit_or_empty(backend: vcs.Repository, revision: str) -> vcs.Commit:
    """An unknown revision is not an error here: it reads as the empty commit."""
    try:
        return vcs.EMPTY_COMMIT if backend.is_empty() else backend.get_commit(revision)
    except vcs.CommitNotFound:
        return vcs.EMPTY_COMMIT


def commits_from(backend: vcs.Repository, start_rev: str, limit: int) -> list[vcs.Commit]:
    """``limit`` commits going forward from ``start_rev`` (an id, or an index as text)."""
    if limit == 0 or backend.is_empty():
        return []
    start: str | int = int(start_rev) if start_rev.isdigit() and len(start_rev) < 12 else start_rev
    return backend.commits(start=start, limit=None if limit < 0 else limit)


def nodes_below(backend: vcs.Repository, revision: str, root_path: str) -> list[vcs.Node]:
    """The whole subtree under the directory ``root_path``: directories first, then files."""
    root = root_path.strip("/")
    if root and not backend.get_node(revision, root).is_dir:
        raise vcs.NodeNotFound(f"{root!r} is not a directory")
    nodes = backend.get_nodes(revision, root, recursive=True)
    return [n for n in nodes if n.is_dir] + [n for n in nodes if not n.is_dir]
