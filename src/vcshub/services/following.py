"""Following repositories: a user watches a repository (its journal entries and the
"watched" list of his account). Creating a repository makes its owner follow it.

Only repositories the user may read can be followed, and the watched list shows only those he
may still read: following a repository that later became private reveals nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import Repository, User, UserFollowing
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import lookup
from vcshub.services.errors import NotFound
from vcshub.services.repo_contents import readable_repo
from vcshub.services.unit_of_work import UnitOfWork


def _signed_in(user: User | None) -> bool:
    return user is not None and user.username != DEFAULT_USERNAME


def is_following(uow: UnitOfWork, viewer: User | None, repo: Repository) -> bool:
    """Whether ``viewer`` follows ``repo`` (never for anonymous)."""
    if not _signed_in(viewer):
        return False
    return uow.db.scalar(
        select(UserFollowing.following_id).where(
            UserFollowing.user_id == viewer.user_id,
            UserFollowing.follows_repo_id == repo.repo_id,
        )
    ) is not None


def toggle_following(uow: UnitOfWork, user: User, repo_id: object) -> tuple[Repository, bool]:
    """Follow the repository ``repo_id`` if ``user`` does not yet, else stop following it.
    Returns the repository and whether he follows it now. A repository he may not read is
    NotFound, exactly like a missing one."""
    if not _signed_in(user):
        raise NotFound("repository", repo_id)
    if isinstance(repo_id, str) and repo_id.isdigit():  # a form's field
        repo_id = int(repo_id)
    number = lookup.possible_id(repo_id)
    found = uow.db.get(Repository, number) if number is not None else None
    if found is None:
        raise NotFound("repository", repo_id)
    repo = readable_repo(uow, user, found.repo_name)
    row = uow.db.scalar(
        select(UserFollowing).where(
            UserFollowing.user_id == user.user_id, UserFollowing.follows_repo_id == repo.repo_id
        )
    )
    if row is None:
        uow.db.add(UserFollowing(user_id=user.user_id, follows_repo_id=repo.repo_id))
    else:
        uow.db.delete(row)
    uow.db.flush()
    return repo, row is None


def followed_repos(uow: UnitOfWork, user: User) -> list[Repository]:
    """The repositories ``user`` follows and may still read, by name."""
    followed = list(
        uow.db.scalars(
            select(Repository)
            .join(UserFollowing, UserFollowing.follows_repo_id == Repository.repo_id)
            .where(UserFollowing.user_id == user.user_id)
        )
    )
    caller = Caller(uow.db, user)
    levels = caller.perms.repos([r.repo_id for r in followed]) if followed else {}
    readable = [r for r in followed if names.at_least(levels.get(r.repo_id), "repository.read")]
    return sorted(readable, key=lambda r: r.repo_name.lower())
