"""The transport-neutral core, first half: may this client come in?

"A client wants to read or write repository R as user U from address A" is answered here, the
same for every transport (smart HTTP, the built-in SSH server, OpenSSH's forced command), as
Dulwich's servers share one handler table. The answer is a value: :class:`Admitted`, or a
:class:`Refusal` whose :class:`RefusalReason` each transport says in its own words (HTTP
statuses and a Basic challenge, SSH messages on stderr).

How the user is identified differs (a password or token, an SSH key): the transport passes an
``identify`` callable that finds the user inside the admission's unit of work, or raises an
``AuthError``. What happens after a push is :mod:`vcshub.transport.push_outcome`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vcshub.auth.errors import AuthError
from vcshub.db.models import Repository, User
from vcshub.services import journal, repo_disk, repo_population, vcs_access
from vcshub.services.errors import (
    LoginRequired,
    PushNotAllowed,
    RepositoryLocked,
    RepositoryUnknown,
)
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work

PULL = vcs_access.PULL
PUSH = vcs_access.PUSH


class RefusalReason(enum.Enum):
    BAD_CREDENTIALS = "bad credentials"  # given, and wrong (or an inactive user, a barred address)
    LOGIN_REQUIRED = "login required"  # anonymous is not enough
    UNKNOWN_REPOSITORY = "unknown repository"  # or one the user may not read: the same answer
    PUSH_DENIED = "push denied"  # may read, may not write
    LOCKED = "locked"  # held by somebody else
    NOT_READY = "not ready"  # being created by a task, or its creation failed


@dataclass(frozen=True)
class Refusal:
    reason: RefusalReason
    repo_name: str
    detail: str = ""  # the lock's own message


@dataclass(frozen=True)
class AccessWish:
    """What a client asks for, in the core's terms."""

    kind: str  # "git" or "hg"
    repo_name: str
    action: str  # PULL or PUSH
    locks: bool = False  # a writer's pull locks the repository (when locking is on)
    snapshot_refs: bool = False  # a git push: note the refs before it, for the journal
    # hg over SSH: one session pulls or pushes, so its admission is a pull that also tells
    # whether the user may write (his pushes are checked in the session)
    probe_write: bool = False


@dataclass
class Admitted:
    repo_id: int
    repo_name: str
    repo_path: Path
    repo_kind: str
    user_id: int
    username: str
    anonymous: bool
    may_push: bool
    refs_before: dict | None
    takes_lock: bool = False  # a writer's pull of a locking repository: lock it for him
    # git: (branch HEAD named, branch it names now) when this push gave HEAD a real branch
    head_moved: tuple[str, str] | None = None
    may_write: bool = False  # the user holds write permission (hg over SSH decides per command)
    downloads: bool = False  # the repository offers archives (git-upload-archive)
    client_ip: str = ""  # where the client came from (the audit trail of what its push changes)


Identify = Callable[[UnitOfWork], "User | None"]


def admit(state, wish: AccessWish, identify: Identify, client_ip: str) -> Admitted | Refusal:
    """Authenticate, authorize and apply the locking rules; blocking (run it in a thread).

    A reader: every clone and push passes here; a pull that takes a repository lock takes it
    afterwards, in a short unit that writes.
    """
    admitted = _check(state, wish, identify, client_ip)
    if isinstance(admitted, Admitted) and admitted.takes_lock:
        return _take_pull_lock(state, admitted) or admitted
    return admitted


def _check(state, wish: AccessWish, identify: Identify, client_ip: str) -> Admitted | Refusal:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        try:
            user = identify(uow)
        except AuthError:
            return Refusal(RefusalReason.BAD_CREDENTIALS, wish.repo_name)
        try:
            grant = vcs_access.authorize(uow, wish.repo_name, wish.kind, user, wish.action, client_ip)
            takes_lock = vcs_access.enforce_lock(uow, grant, wish.locks)
        except LoginRequired:
            return Refusal(RefusalReason.LOGIN_REQUIRED, wish.repo_name)
        except RepositoryUnknown:
            return Refusal(RefusalReason.UNKNOWN_REPOSITORY, wish.repo_name)
        except PushNotAllowed:
            return Refusal(RefusalReason.PUSH_DENIED, wish.repo_name)
        except RepositoryLocked as exc:
            return Refusal(RefusalReason.LOCKED, wish.repo_name, str(exc))
        repo: Repository = grant.repo
        not_ready = repo_population.refuses_clients(repo)
        if not_ready is not None:
            return Refusal(RefusalReason.NOT_READY, wish.repo_name, not_ready)
        refs_before = journal.snapshot(uow, repo) if wish.snapshot_refs else None
        return Admitted(
            repo_id=repo.repo_id,
            repo_name=repo.repo_name,
            repo_path=repo_disk.path(uow, repo),
            repo_kind=repo.repo_type,
            user_id=grant.user.user_id,
            username=grant.user.username,
            anonymous=grant.anonymous,
            # hg may write only in requests checked as pushes (lock, journal): never in a
            # "batch" of a pull request, say
            may_push=wish.action == PUSH and not grant.anonymous,
            refs_before=refs_before,
            takes_lock=takes_lock,
            may_write=wish.action == PUSH or (
                wish.probe_write and not grant.anonymous and vcs_access.may_write(uow, grant)
            ),
            downloads=bool(repo.enable_downloads),
            client_ip=client_ip,
        )


def lock_for_pull(state, admitted: Admitted) -> Refusal | None:
    """Lock for a writer's pull that shows itself after admission (hg over SSH, where one
    session may pull or push): what a locking pull's admission does, later."""
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        grant = vcs_access.reread_grant(uow, admitted.repo_id, admitted.user_id, PULL)
        try:
            due = grant is not None and vcs_access.enforce_lock(uow, grant, True)
        except RepositoryLocked as exc:
            return Refusal(RefusalReason.LOCKED, admitted.repo_name, str(exc))
    return _take_pull_lock(state, admitted) if due else None


def _take_pull_lock(state, admitted: Admitted) -> Refusal | None:
    try:
        with unit_of_work(state.sessions, state.settings) as uow:
            uow.acting("vcs", uow.db.get(User, admitted.user_id), admitted.client_ip)
            vcs_access.take_pull_lock(uow, admitted.repo_id, admitted.user_id)
    except RepositoryLocked as exc:
        return Refusal(RefusalReason.LOCKED, admitted.repo_name, str(exc))
    return None
