"""The catch-all HTTP endpoint: git and hg clients are served here, anything else is the web UI's.

Order: recognise the request, authenticate (HTTP Basic: password or token), check permission
and locks in one unit of work, then stream. Pushes are journaled once they have finished
(see :mod:`vcshub.transport.bookkeeping` for when).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from vcshub.auth.http_basic import authenticate_basic, parse_basic
from vcshub.auth.errors import AuthError
from vcshub.auth.tokens import VCS_ROLES
from vcshub.db.models import Repository, User
from vcshub.services import journal, repo_disk, vcs_access
from vcshub.services.errors import (
    LoginRequired,
    PushNotAllowed,
    RepositoryLocked,
    RepositoryUnknown,
)
from vcshub.services.unit_of_work import unit_of_work
from vcshub.transport import git_http
from vcshub.transport.errors import ClientGone
from vcshub.transport.hg_http import SCOPE_KEY, HgPush, HgRequestContext
from vcshub.transport.requests import PUSH, VcsRequest, classify
from vcshub.vcs import registry as vcs
from vcshub.vcs.errors import VCSError
from vcshub.web.request_info import request_client_ip

log = logging.getLogger(__name__)
REALM = b'Basic realm="vcshub"'


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


@dataclass
class NotAdmitted:
    """The answer to a client that may not come in: ``status`` with ``message``."""

    status: int
    message: str
    challenge: bool = False


class VcsEndpoint:
    """ASGI endpoint for every path the other routes do not claim."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        wanted = classify(request.method, request.url.path, request.query_params)
        if wanted is None:
            await self.fallback(scope, receive, send)
            return
        state = request.app.state.vcshub
        if wanted.refused:
            await PlainTextResponse(wanted.refused, status_code=403)(scope, receive, send)
            return
        client_ip = request_client_ip(request, state.settings)
        authorization = request.headers.get("authorization")
        # Only requests that try credentials are slowed down: anonymous ones guess nothing,
        # and every git/hg client starts anonymously.
        if authorization:
            await state.login_throttle.pause(client_ip)
        outcome = await run_in_threadpool(_admit, state, wanted, authorization, client_ip)
        if isinstance(outcome, NotAdmitted):
            await _refuse(outcome, scope, receive, send)
            return
        try:
            if wanted.kind == "git":
                await self._git(state, request, wanted, outcome, receive, send)
            else:
                await self._hg(state, wanted, outcome, scope, receive, send)
        except ClientGone:
            log.info("client went away during %s on %s", wanted.service, wanted.repo_name)

    async def _git(self, state, request, wanted: VcsRequest, admitted: Admitted, receive, send):
        push = wanted.action == PUSH and not wanted.advertise
        commands = git_http.PushCommands() if push else None
        bookkeeping = functools.partial(_after_git_push, state, admitted, commands)
        # a running push holds its repository's housekeeping back (transport/housekeeper.py)
        with state.housekeeper.pushing(admitted.repo_path) if push else contextlib.nullcontext():
            try:
                await git_http.serve(
                    receive,
                    send,
                    admitted.repo_path,
                    wanted.service,
                    advertise=wanted.advertise,
                    git_protocol=request.headers.get("git-protocol"),
                    gzip_body=request.headers.get("content-encoding", "").lower() in ("gzip", "x-gzip"),
                    commands=commands,
                )
            except BaseException:
                # Whatever happened to git or the client, journal the refs that did move.
                if push:
                    await state.push_bookkeeping.run(bookkeeping)
                raise
        if push:
            # Before the response ends: the pusher's next clone must find HEAD's branch.
            await run_in_threadpool(_adopt_pushed_default, admitted, commands)
            await state.push_bookkeeping.finish(lambda: git_http.end_response(send), bookkeeping)
        else:
            await git_http.end_response(send)

    async def _hg(self, state, wanted: VcsRequest, admitted: Admitted, scope, receive, send):
        on_complete = None
        if wanted.action == PUSH:
            on_complete = functools.partial(_after_hg_push, state, admitted)  # runs in hg's thread
        scope = dict(scope)
        scope[SCOPE_KEY] = HgRequestContext(
            repo_path=admitted.repo_path,
            repo_name=admitted.repo_name,
            username=None if admitted.anonymous else admitted.username,
            may_push=admitted.may_push,
            on_complete=on_complete,
            bookkeeping=state.push_bookkeeping,
        )
        pushing = (state.housekeeper.pushing(admitted.repo_path) if wanted.action == PUSH
                   else contextlib.nullcontext())
        with pushing:
            await state.hg_app(scope, receive, send)


async def _refuse(refusal: NotAdmitted, scope, receive, send) -> None:
    headers = {"WWW-Authenticate": REALM.decode()} if refusal.challenge else None
    response = PlainTextResponse(refusal.message + "\n", status_code=refusal.status, headers=headers)
    await response(scope, receive, send)


def _admit(state, wanted: VcsRequest, authorization: str | None, client_ip: str):
    """Authenticate, authorize and apply locking rules; runs in a worker thread."""
    # A reader: every clone and push passes here (with a password hash check); a pull that
    # takes a repository lock takes it afterwards, in a short unit that writes.
    admitted = _check(state, wanted, authorization, client_ip)
    if isinstance(admitted, Admitted) and admitted.takes_lock:
        try:
            with unit_of_work(state.sessions, state.settings) as uow:
                vcs_access.take_pull_lock(uow, admitted.repo_id, admitted.user_id)
        except RepositoryLocked as exc:
            return NotAdmitted(state.settings.lock_ret_code, str(exc))
    return admitted


def _check(state, wanted: VcsRequest, authorization: str | None, client_ip: str):
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        user = None
        credentials = parse_basic(authorization)
        if credentials is not None:
            try:
                user = authenticate_basic(
                    uow.db, credentials[0], credentials[1], client_ip, uow.clock(), VCS_ROLES
                )
            except AuthError:
                state.login_throttle.failed(client_ip)
                return NotAdmitted(401, "Authentication failed", challenge=True)
            state.login_throttle.succeeded(client_ip)
        try:
            grant = vcs_access.authorize(
                uow, wanted.repo_name, wanted.kind, user, wanted.action, client_ip
            )
            takes_lock = vcs_access.enforce_lock(uow, grant, wanted.locks)
        except LoginRequired:
            return NotAdmitted(401, "Authentication required", challenge=True)
        except RepositoryUnknown:
            return NotAdmitted(404, f"Repository `{wanted.repo_name}` not found")
        except PushNotAllowed:
            return NotAdmitted(403, f"You are not allowed to push to `{wanted.repo_name}`")
        except RepositoryLocked as exc:
            return NotAdmitted(state.settings.lock_ret_code, str(exc))
        repo: Repository = grant.repo
        refs_before = None
        if wanted.kind == "git" and wanted.action == PUSH and not wanted.advertise:
            refs_before = journal.snapshot(uow, repo)  # hg takes its own, under its lock
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
            may_push=wanted.action == PUSH and not grant.anonymous,
            refs_before=refs_before,
            takes_lock=takes_lock,
        )


def _adopt_pushed_default(admitted: Admitted, commands: git_http.PushCommands) -> None:
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


def _after_git_push(state, admitted: Admitted, commands: git_http.PushCommands) -> None:
    if admitted.head_moved is None:  # the push was cut off before its response
        _adopt_pushed_default(admitted, commands)
    done = git_http.updated_refs(admitted.repo_path, commands.updates)
    claim = journal.claim_for_git_refs(u.ref for u in done)
    _after_push(state, admitted, admitted.refs_before or {}, claim)


def _after_hg_push(state, admitted: Admitted, push: HgPush) -> None:
    if push.committed and push.before is not None:
        _after_push(state, admitted, push.before, push.claim())


def _after_push(state, admitted: Admitted, before: journal.RefState, claim: journal.PushClaim) -> None:
    """Journal the push, refresh the summary, release a lock held by the pusher.

    Only a push that moved something counts (RhodeCode's post-push hook): a rejected push
    neither journals nor releases the lock.
    """
    if not (claim.refs or claim.whole_kinds):
        return
    state.housekeeper.after_push(admitted.repo_path, admitted.repo_kind)
    state.search_queue.request(admitted.repo_id)  # search index, off the request path
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


_BOOKKEEPING_ATTEMPTS = 5


def _record_push(state, admitted: Admitted, before: journal.RefState, claim) -> None:
    with unit_of_work(state.sessions, state.settings) as uow:
        repo = uow.db.get(Repository, admitted.repo_id)
        user = uow.db.get(User, admitted.user_id)
        if repo is None or user is None:
            return
        if admitted.head_moved is not None:
            _follow_head(repo, *admitted.head_moved)
        journal.record_push(uow, repo, user, before, claim)
        grant = vcs_access.VcsGrant(repo=repo, user=user, action=PUSH)
        vcs_access.release_after_push(uow, grant)


def _follow_head(repo: Repository, previous: str, now: str) -> None:
    """The landing revision follows HEAD when it meant HEAD: the default ``rev:tip`` (git's
    tip is HEAD) or the branch HEAD named before. Any other choice is the owner's."""
    if repo.landing_rev in ("rev:tip", f"branch:{previous}"):
        repo.landing_rev = f"branch:{now}"
