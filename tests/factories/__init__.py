"""Test data for every tier, made in one place.

* :mod:`.naming` — :func:`unique` names.
* :mod:`.commits` — real commits with the real ``git``/``hg`` clients in any repository folder
  (:class:`~.commits.WorkingCopy`, :func:`~.commits.commit_into`); used by every tier below.
* Service tier (a unit of work and a caller, no server): :mod:`.people` (users, callers, user
  groups), :mod:`.repos` (repository groups, git/hg repositories, commits in them),
  :mod:`.reviews` (a repository with a feature branch, pull requests).
* API tier (a live server): :mod:`.api` — :func:`make_user`, :func:`~.api.create_repo`,
  :func:`~.api.seeded_repo`, :func:`~.api.push_commits`.
"""

from tests.factories.api import MadeUser, make_user
from tests.factories.naming import unique

__all__ = ["MadeUser", "make_user", "unique"]
