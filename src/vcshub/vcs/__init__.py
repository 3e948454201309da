"""VCS layer: one interface over Git (pygit2) and Mercurial repositories.

Typical use::

    repo = open_repository(path)          # kind autodetected
    commit = repo.get_commit("tip")
    for node in repo.get_nodes(commit.raw_id, "docs"):
        ...
"""

from .base import EMPTY_COMMIT, EMPTY_ID, Commit, EmptyCommit, FileChange, Repository
from .diffs import DiffLine, FileDiff, Hunk, PathAndMode, split_diff
from .history import BlameLine, FileRevision, RefCommit
from .errors import (
    CloneError,
    CommitNotFound,
    NodeNotFound,
    RepositoryError,
    RepositoryNotFound,
    VCSError,
)
from .merges import MergeResult, MergeStatus
from .nodes import Node, normalize_path
from .remote_transfer import TransferLimits, TransferRefused, TransferStalled
from .registry import (
    KINDS,
    clone_repository,
    create_repository,
    detect_kind,
    load_backends,
    open_repository,
)

__all__ = [
    "BlameLine", "EMPTY_COMMIT", "EMPTY_ID", "FileRevision", "KINDS", "RefCommit", "CloneError", "Commit", "CommitNotFound",
    "DiffLine", "EmptyCommit", "FileChange", "FileDiff", "Hunk", "PathAndMode", "MergeResult", "MergeStatus", "Node",
    "NodeNotFound", "Repository",
    "RepositoryError", "RepositoryNotFound", "VCSError", "clone_repository",
    "create_repository", "detect_kind", "load_backends", "normalize_path",
    "open_repository", "split_diff", "TransferLimits", "TransferRefused", "TransferStalled",
]


def __getattr__(name: str):
    # Backend classes are loaded on demand (see registry._backend).
    if name == "GitRepository":
        from .git import GitRepository
        return GitRepository
    if name == "HgRepository":
        from .hg import HgRepository
        return HgRepository
    raise AttributeError(name)
