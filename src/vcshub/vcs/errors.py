"""Exception tree of the VCS layer.

::

    VCSError
     ├── RepositoryNotFound       no repository of the requested kind at the path
     ├── CommitNotFound           a revision that cannot be resolved
     ├── NodeNotFound             a path that is not in the commit, or is invalid
     └── RepositoryError          an operation on an existing repository failed
          └── CloneError          cloning or fetching from a remote source failed
               ├── TransferRefused    too many remote operations running: try again later
               └── TransferStalled    the remote stopped sending, or took too long overall

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


class TransferRefused(CloneError):
    """Too many remote operations are running; try again later."""


class TransferStalled(CloneError):
    """The remote stopped sending, or the whole transfer took too long."""
