"""Exception tree of the VCS layer.

Every error raised on purpose by :mod:`vcshub.vcs` derives from
:class:`VCSError`, so callers can catch the whole family in one place while
still telling "this revision does not exist" apart from "the disk is broken".
"""

from __future__ import annotations


class VCSError(Exception):
    """Base class of all VCS layer errors."""


class RepositoryNotFound(VCSError):
    """No repository of the requested kind exists at the given path."""


class CommitNotFound(VCSError):
    """A revision could not be resolved (unknown, ambiguous or empty repo)."""


class NodeNotFound(VCSError):
    """A path does not exist in a commit, or the path itself is invalid."""


class RepositoryError(VCSError):
    """An operation on an existing repository failed."""


class CloneError(RepositoryError):
    """Cloning or fetching from a remote source failed."""
