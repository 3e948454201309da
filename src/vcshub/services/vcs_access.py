"""Who may pull from or push to a repository over HTTP, and the locks that go with it.

Used by the transport adapter before a byte of repository data moves (REFERENCE.md 4.4 `lock`
and RhodeCode's locking: a pull by a writer locks, a push by the holder releases).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from vcshub.auth import identity, ip_whitelist
from vcshub.db.models import Repository, User
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import access, locks, lookup
from vcshub.services.errors import (
    LoginRequired,
    PushNotAllowed,
    RepositoryLocked,
    RepositoryUnknown,
)
from vcshub.services.unit_of_work import UnitOfWork

PULL = "pull"
PUSH = "push"


@dataclass
class VcsGrant:
    repo: Repository
    user: User  # the default user for anonymous access
    action: str

    @property
    def anonymous(self) -> bool:
        return self.user.username == DEFAULT_USERNAME


def anonymous_user(uow: UnitOfWork, client_ip: str | None = None) -> User | None:
    """The ``default`` user, when anonymous access is enabled (it is active) from this address.

    The default user's IP whitelist limits anonymous access as it limits everybody who
    inherits default permissions (``client_ip`` None: no address check).
    """
    user = uow.db.scalar(select(User).where(User.username == DEFAULT_USERNAME))
    if user is None or not user.active:
        return None
    if client_ip is not None and not ip_whitelist.is_allowed(
        client_ip, identity.allowed_ips(uow.db, user)
    ):
        return None
    return user


def find_repository(uow: UnitOfWork, name: str, kind: str | None = None) -> Repository | None:
    """The repository served at ``name`` (a ``.git`` suffix is optional for git clients).

    With ``kind``, a repository of the other kind is not there as far as this client is
    concerned (a git client asking for an hg repository, say).
    """
    if lookup.possible_name(name) is None:
        return None
    repo = uow.db.scalar(select(Repository).where(Repository.repo_name == name))
    if repo is None and kind != "hg" and name.endswith(".git"):
        repo = uow.db.scalar(select(Repository).where(Repository.repo_name == name[:-4]))
    if repo is not None and kind is not None and repo.repo_type != kind:
        return None
    return repo


def clone_url_twin(uow: UnitOfWork, name: str) -> str | None:
    """The repository whose clone URL ``name`` would also answer to, if any.

    ``/x.git`` serves ``x`` when no ``x.git`` exists, so repositories ``x`` and ``x.git`` would
    fight over one URL: whoever created the second could take over the other's clones.
    """
    twin = name[:-4] if name.endswith(".git") else name + ".git"
    if twin and uow.db.scalar(select(Repository.repo_id).where(Repository.repo_name == twin)):
        return twin
    return None


def authorize(
    uow: UnitOfWork, repo_name: str, kind: str, user: User | None, action: str, client_ip: str
) -> VcsGrant:
    """Check read (pull) or write (push) permission; raise the error the client should see.

    An anonymous client that may not read gets LoginRequired whether or not the repository
    exists, and an authenticated one RepositoryUnknown, so private repositories are never
    revealed.
    """
    subject = user or anonymous_user(uow, client_ip)
    if subject is None:
        raise LoginRequired()
    repo = find_repository(uow, repo_name, kind)
    caller = Caller(uow.db, subject)
    readable = repo is not None and access.can_repo(caller, repo, "repository.read")
    if not readable:
        if user is None:
            raise LoginRequired()
        raise RepositoryUnknown()
    if action == PUSH and not access.can_repo(caller, repo, "repository.write"):
        if user is None:
            raise LoginRequired()
        raise PushNotAllowed()
    return VcsGrant(repo=repo, user=subject, action=action)


def reread_grant(uow: UnitOfWork, repo_id: int, user_id: int, action: str) -> VcsGrant | None:
    """The grant an earlier admission gave, read again (None when repository or user is gone)."""
    repo, user = uow.db.get(Repository, repo_id), uow.db.get(User, user_id)
    if repo is None or user is None:
        return None
    return VcsGrant(repo=repo, user=user, action=action)


def may_write(uow: UnitOfWork, grant: VcsGrant) -> bool:
    """Whether the granted user may also push (a transport that learns later what is asked)."""
    return access.can_repo(Caller(uow.db, grant.user), grant.repo, "repository.write")


def enforce_lock(uow: UnitOfWork, grant: VcsGrant, locks_on_pull: bool) -> bool:
    """Refuse anyone but the holder while locked. True when this is a pull by a writer that must
    take the lock (on the requests the transport says, ``locks_on_pull``, whether or not they
    bring new data): the caller then takes it with :func:`take_pull_lock` in a unit of work
    that writes, since the admission itself only reads."""
    repo = grant.repo
    if not repo.enable_locking:
        return False
    if repo.locked_by_id is not None and repo.locked_by_id != grant.user.user_id:
        raise RepositoryLocked(repo.repo_name, repo.locked_by.username, repo.lock_reason)
    return (
        grant.action == PULL
        and locks_on_pull
        and repo.locked_by_id is None
        and not grant.anonymous
        and access.can_repo(Caller(uow.db, grant.user), repo, "repository.write")
    )


def take_pull_lock(uow: UnitOfWork, repo_id: int, user_id: int) -> None:
    """Take the lock for a writer's pull unless another one took it a moment ago (a step of an
    admission that :func:`enforce_lock` asked for).

    The conditional UPDATE is the arbiter: of two pulls that both saw the repository unlocked,
    only one gets the lock; the other is refused like any pull of a locked repository.
    """
    repo, user = uow.db.get(Repository, repo_id), uow.db.get(User, user_id)
    claimed = uow.db.execute(
        update(Repository)
        .where(Repository.repo_id == repo.repo_id, Repository.locked_by_id.is_(None))
        .values(locked_by_id=user.user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    uow.db.refresh(repo)
    if claimed:
        locks.set_lock(uow, repo, user, locks.REASON_PULL)
    elif repo.locked_by_id != user.user_id:
        raise RepositoryLocked(repo.repo_name, repo.locked_by.username, repo.lock_reason)


def release_after_push(uow: UnitOfWork, grant: VcsGrant) -> None:
    repo = grant.repo
    if repo.enable_locking and repo.locked_by_id == grant.user.user_id:
        locks.release_lock(uow, repo)
