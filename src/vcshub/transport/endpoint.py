"""The catch-all HTTP endpoint: git and hg clients are served here, anything else is the web UI's.

Order: recognise the request, admit it through the transport-neutral core
(:mod:`vcshub.transport.admission`, with HTTP Basic credentials: password or token), then
stream. A finished push goes to the core's :mod:`vcshub.transport.push_outcome` (see
:mod:`vcshub.transport.bookkeeping` for when).
"""

from __future__ import annotations

import functools
import logging

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from vcshub.auth.http_basic import authenticate_basic, parse_basic
from vcshub.auth.tokens import VCS_ROLES
from vcshub.metrics import instruments as metrics
from vcshub.services import audit
from vcshub.transport import admission, git_http, push_outcome
from vcshub.transport.admission import AccessWish, Admitted, Refusal, RefusalReason
from vcshub.transport.errors import ClientGone
from vcshub.transport.git_push import PushCommands
from vcshub.transport.hg_http import SCOPE_KEY, HgRequestContext
from vcshub.transport.operations import GitFetchWatch, git_operation, hg_args, hg_operation
from vcshub.transport.requests import PUSH, VcsRequest, classify
from vcshub.web.request_info import request_client_ip

log = logging.getLogger(__name__)
REALM = b'Basic realm="vcshub"'


# What the HTTP client is told for each refusal: status, text, whether to ask for credentials.
_ANSWERS = {
    RefusalReason.BAD_CREDENTIALS: (401, "Authentication failed", True),
    RefusalReason.LOGIN_REQUIRED: (401, "Authentication required", True),
    RefusalReason.UNKNOWN_REPOSITORY: (404, "Repository `{repo}` not found", False),
    RefusalReason.PUSH_DENIED: (403, "You are not allowed to push to `{repo}`", False),
    RefusalReason.LOCKED: (None, "{detail}", False),  # the lock_ret_code setting's status
    RefusalReason.NOT_READY: (409, "{detail}", False),
}


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
        metrics.label_request(scope, wanted.kind, _wire_step(wanted))
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
        if isinstance(outcome, Refusal):
            await _refuse(state, outcome, scope, receive, send)
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
        commands = PushCommands() if push else None
        watch = GitFetchWatch() if not push and not wanted.advertise else None
        bookkeeping = functools.partial(push_outcome.after_git_push, state, admitted, commands)
        # a running push holds its repository's housekeeping and merges back
        async with state.housekeeper.pushing(admitted.repo_path, push) as held:
            if not held:
                await _busy(wanted, request.scope, receive, send)
                return
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
                    watch=watch,
                )
            except BaseException:
                # Whatever happened to git or the client, journal the refs that did move.
                if push:
                    await state.push_bookkeeping.run(bookkeeping)
                raise
        if not wanted.advertise:
            metrics.vcs_operation("git", "http", git_operation(wanted.service, watch))
        if push:
            # Before the response ends: the pusher's next clone must find HEAD's branch.
            await run_in_threadpool(push_outcome.adopt_pushed_default, admitted, commands)
            await state.push_bookkeeping.finish(lambda: git_http.end_response(send), bookkeeping)
        else:
            await git_http.end_response(send)

    async def _hg(self, state, wanted: VcsRequest, admitted: Admitted, scope, receive, send):
        on_complete = None
        if wanted.action == PUSH:
            on_complete = functools.partial(push_outcome.after_hg_push, state, admitted)  # runs in hg's thread
        scope = dict(scope)
        scope[SCOPE_KEY] = HgRequestContext(
            repo_path=admitted.repo_path,
            repo_name=admitted.repo_name,
            username=None if admitted.anonymous else admitted.username,
            may_push=admitted.may_push,
            on_complete=on_complete,
            bookkeeping=state.push_bookkeeping,
            serves_data=wanted.transfers_data and wanted.action != PUSH,
        )
        if wanted.transfers_data or wanted.action == PUSH:
            # counted as it begins: once hgweb has answered, the client may already look
            args = hg_args(Headers(scope=scope), scope.get("query_string", b"").decode("latin-1"))
            metrics.vcs_operation("hg", "http", hg_operation(wanted.service, args))
        async with state.housekeeper.pushing(admitted.repo_path, wanted.action == PUSH) as held:
            if not held:
                await _busy(wanted, scope, receive, send)
                return
            await state.hg_app(scope, receive, send)


async def _busy(wanted: VcsRequest, scope, receive, send) -> None:
    response = PlainTextResponse(
        f"Repository `{wanted.repo_name}` is busy (housekeeping or a merge); try again later\n",
        status_code=503, headers={"Retry-After": "60"},
    )
    await response(scope, receive, send)


def _wire_step(wanted: VcsRequest) -> str:
    """The metrics' operation label of a git/hg request: the git service (``info-refs`` for
    the advertisement) or the hg command; both from closed lists (transport/requests.py)."""
    if wanted.refused:
        return "refused"
    return "info-refs" if wanted.advertise else wanted.service


async def _refuse(state, refusal: Refusal, scope, receive, send) -> None:
    status, text, challenge = _ANSWERS[refusal.reason]
    message = text.format(repo=refusal.repo_name, detail=refusal.detail)
    headers = {"WWW-Authenticate": REALM.decode()} if challenge else None
    response = PlainTextResponse(
        message + "\n", status_code=status or state.settings.lock_ret_code, headers=headers
    )
    await response(scope, receive, send)


def _admit(state, wanted: VcsRequest, authorization: str | None, client_ip: str):
    """The core's admission, with HTTP Basic credentials; runs in a worker thread."""
    wish = AccessWish(
        kind=wanted.kind,
        repo_name=wanted.repo_name,
        action=wanted.action,
        locks=wanted.locks,
        # hg takes its own snapshot, under its lock
        snapshot_refs=wanted.kind == "git" and wanted.action == PUSH and not wanted.advertise,
    )
    credentials = parse_basic(authorization)

    def identify(uow):
        if credentials is None:
            return None
        return authenticate_basic(
            uow.db, credentials[0], credentials[1], client_ip, uow.clock(), VCS_ROLES
        )

    outcome = admission.admit(state, wish, identify, client_ip)
    if credentials is not None:
        if isinstance(outcome, Refusal) and outcome.reason is RefusalReason.BAD_CREDENTIALS:
            state.login_throttle.failed(client_ip)
            audit.sign_in_failed(state.engine, credentials[0], client_ip, "vcs")
        else:
            state.login_throttle.succeeded(client_ip)
    return outcome
