"""The transport-neutral core, second half: a push happened.

Every transport calls :func:`after_push` once a push has finished (git's after receive-pack,
hg's once its transactions closed): it journals the push, refreshes the summary, releases a
lock the pusher held and queues the repository's housekeeping. It is the one place for what a
push sets off; anything new that a push must trigger belongs there.

:func:`after_git_push` and :func:`after_hg_push` turn what each VCS tells about a push into the
refs it moved; they block (database, disk), so transports run them in a thread.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import OperationalError

from vcshub.db.models import Repository, User
from vcshub.services import housekeeping, journal, vcs_access
from vcshub.services.search import notices as search_notices
from vcshub.services.unit_of_work import unit_of_work
from vcshub.transport.admission import PUSH, Admitted
from vcshub.transport.git_push import PushCommands, updated_refs
from vcshub.transport.hg_push import HgPush
from vcshub.vcs import registry as vcs
from vcshub.vcs.errors import VCSError

log = logging.getLogger(__name__)
_BOOKKEEPING_ATTEMPTS = 5


def adopt_pushed_default(admitted: Admitted, commands: PushCommands) -> None:
    """Point a HEAD that names a missing branch at the pushed default (RhodeCode and Gitea
    do the same): a repository created empty has HEAD at ``master``, clients push ``main``."""
    prefix = "refs/heads/"
    pushed = [
        u.ref[len(prefix):] for u in commands.updates if u.ref.startswith(prefix) and not u.deletes
    ]
    if not pushed:
        return
    try:
        moved = vcs.open_repository(admitted.repo_path).adopt_pushed_default(pushed)
    except (VCSError, OSError):
        log.exception("could not point HEAD of %s at a pushed branch", admitted.repo_name)
        return
    if moved is not None:
        admitted.head_moved = moved


def after_git_push(state, admitted: Admitted, commands: PushCommands) -> None:
    if admitted.head_moved is None:  # not adopted yet (or the push was cut off)
        adopt_pushed_default(admitted, commands)
    done = updated_refs(admitted.repo_path, commands.updates)
    claim = journal.claim_for_git_refs(u.ref for u in done)
    after_push(state, admitted, admitted.refs_before or {}, claim)


def after_hg_push(state, admitted: Admitted, push: HgPush) -> None:
    if push.committed and push.before is not None:
        after_push(state, admitted, push.before, push.claim())


def after_push(state, admitted: Admitted, before: journal.RefState, claim: journal.PushClaim) -> None:
    """Journal the push, refresh the summary, release a lock held by the pusher, queue the
    repository's housekeeping.

    Only a push that moved something counts (RhodeCode's post-push hook): a rejected push
    neither journals nor releases the lock.
    """
    if not (claim.refs or claim.whole_kinds):
        return
    if not state.settings.task_broker_url:  # else a task, queued with the journal entry
        state.housekeeper.after_push(admitted.repo_path, admitted.repo_kind)
    # Two pushes finishing together both read, then write: on SQLite the second writer's
    # snapshot is stale and it fails at once (SQLITE_BUSY, no waiting); the push itself is done,
    # so its bookkeeping is simply tried again in a fresh transaction.
    for attempt in range(_BOOKKEEPING_ATTEMPTS):
        try:
            _record_push(state, admitted, before, claim)
            return
        except OperationalError:
            if attempt + 1 == _BOOKKEEPING_ATTEMPTS:
                log.exception("post-push bookkeeping failed for %s", admitted.repo_name)
            else:
                time.sleep(0.05 * (attempt + 1))
        except Exception:
            log.exception("post-push bookkeeping failed for %s", admitted.repo_name)
            return


def _record_push(state, admitted: Admitted, before: journal.RefState, claim) -> None:
    with unit_of_work(state.sessions, state.settings) as uow:
        repo = uow.db.get(Repository, admitted.repo_id)
        user = uow.db.get(User, admitted.user_id)
        if repo is None or user is None:
            return
        uow.acting("vcs", user, admitted.client_ip)
        if admitted.head_moved is not None:
            _follow_head(repo, *admitted.head_moved)
        journal.record_push(uow, repo, user, before, claim)
        # the full-text index follows, off the request path (tasks/search_queue.py)
        search_notices.repository_changed(uow, repo.repo_id)
        grant = vcs_access.VcsGrant(repo=repo, user=user, action=PUSH)
        vcs_access.release_after_push(uow, grant)
        if uow.settings.task_broker_url:  # several nodes: a worker repacks, not this node
            housekeeping.queue_after_push(uow, repo.repo_id)


def _follow_head(repo: Repository, previous: str, now: str) -> None:
    """The landing revision follows HEAD when it meant HEAD: the default ``rev:tip`` (git's
    tip is HEAD) or the branch HEAD named before. Any other choice is the owner's."""
    if repo.landing_rev in ("rev:tip", f"branch:{previous}"):
        repo.landing_rev = f"branch:{now}"
