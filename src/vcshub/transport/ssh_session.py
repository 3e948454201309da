"""One SSH session: the command a client asked for, admitted by the core, then served.

Both ways of running SSH end here: the built-in server (:mod:`vcshub.transport.ssh_server`,
asyncssh) and OpenSSH's forced command (``vcshub ssh-serve``). Each gives a
:class:`SessionChannel` (the session's stdin, stdout and stderr), the key the client proved it
holds, its address and its environment (``GIT_PROTOCOL``). The user is the key's owner, checked
on every session: a removed key or a deactivated user is refused at once.

Git runs as ``git upload-pack|receive-pack|upload-archive <path>`` (the stateful protocol, v2
when asked), streamed both ways; hg as Mercurial's stdio server in a thread
(:mod:`vcshub.transport.hg_stdio`). A push's bookkeeping (:mod:`vcshub.transport.push_outcome`)
runs before the session's exit status is sent: the client's next command may reach any process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vcshub import coordination
from vcshub.auth.errors import InvalidToken
from vcshub.auth.identity import check_user_access
from vcshub.config import Settings
from vcshub.coordination import Coordination
from vcshub.metrics import instruments as metrics
from vcshub.metrics.instruments import PUSH
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import ssh_keys
from vcshub.services.unit_of_work import unit_of_work
from vcshub.transport import admission, hg_stdio, push_outcome, ssh_commands
from vcshub.transport.admission import Admitted, Refusal, RefusalReason
from vcshub.transport.git_push import PushCommands
from vcshub.transport.hg_push import HgPush
from vcshub.transport.housekeeper import Housekeeper
from vcshub.transport.operations import GitFetchWatch, git_operation
from vcshub.transport.ssh_commands import CommandRefused, SshCommand
from vcshub.vcs import git_command

log = logging.getLogger(__name__)
CHUNK = 256 * 1024
_PROTOCOL = re.compile(r"^[A-Za-z0-9=:._-]{1,256}$")
BUSY = "Repository `{repo}` is busy (housekeeping or a merge); try again later"
# What the SSH client's user reads for each refusal (git and hg print it, then fail).
_MESSAGES = {
    RefusalReason.BAD_CREDENTIALS: "Access denied: unknown key, inactive account or address not allowed",
    RefusalReason.LOGIN_REQUIRED: "Access denied",  # a key always names a user; kept complete
    RefusalReason.UNKNOWN_REPOSITORY: "Repository `{repo}` not found",
    RefusalReason.PUSH_DENIED: "You are not allowed to push to `{repo}`",
    RefusalReason.LOCKED: "{detail}",
    RefusalReason.NOT_READY: "{detail}",
}


@dataclass
class TransportState:
    """What the SSH transports share within a process (the HTTP one's AppState has the same)."""

    settings: Settings
    sessions: sessionmaker[Session]
    housekeeper: Housekeeper
    coordination: Coordination  # what the processes share (repository mutexes, ...)

    @classmethod
    def build(cls, settings: Settings, sessions: sessionmaker[Session]) -> TransportState:
        shared_state = coordination.for_settings(settings)
        return cls(settings, sessions, Housekeeper(shared_state), shared_state)


class SessionChannel(Protocol):
    async def read(self) -> bytes:
        """The client's next bytes; b"" once it has sent all (or has gone)."""

    async def write(self, data: bytes) -> None:
        """Send to the client's stdout, waiting while it is slow; OSError when it has gone."""

    async def write_stderr(self, data: bytes) -> None: ...


async def serve(
    state, command_line: str | None, key_id: int, client_ip: str, env: Mapping[str, str],
    channel: SessionChannel,
) -> int:
    """Serve one SSH session; its exit status."""
    began = time.perf_counter()
    try:
        command = ssh_commands.parse(command_line)
    except CommandRefused as exc:
        metrics.ssh_session("none", time.perf_counter() - began)
        return await _refuse(channel, str(exc))
    try:
        return await _serve_command(state, command, key_id, client_ip, env, channel)
    finally:
        metrics.ssh_session(command.kind, time.perf_counter() - began)


async def _serve_command(state, command: SshCommand, key_id: int, client_ip: str,
                         env: Mapping[str, str], channel: SessionChannel) -> int:
    identify = functools.partial(_key_owner, key_id=key_id, client_ip=client_ip)
    outcome = await asyncio.to_thread(admission.admit, state, command.wish(), identify, client_ip)
    if isinstance(outcome, Refusal):
        message = _MESSAGES[outcome.reason].format(repo=outcome.repo_name, detail=outcome.detail)
        return await _refuse(channel, message)
    await asyncio.to_thread(_mark_used, state, key_id)
    if command.kind == "hg":
        # a session that may write may push: it holds the repository as a push does
        async with state.housekeeper.pushing(outcome.repo_path, outcome.may_write) as held:
            if not held:
                return await _refuse(channel, BUSY.format(repo=outcome.repo_name))
            return await _serve_hg(state, outcome, channel)
    if command.service == "git-upload-archive" and not outcome.downloads:
        return await _refuse(channel, f"Downloads are disabled for `{outcome.repo_name}`")
    return await _serve_git(state, command, outcome, env, channel)


async def _reader(loop, fd: int) -> asyncio.StreamReader:
    reader = asyncio.StreamReader(limit=CHUNK)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", 0))
    return reader


def _lock_for_pull(state, admitted: Admitted) -> str | None:
    refusal = admission.lock_for_pull(state, admitted)
    return None if refusal is None else refusal.detail


async def _refuse(channel: SessionChannel, message: str) -> int:
    with contextlib.suppress(OSError):
        await channel.write_stderr(f"vcshub: {message}\n".encode())
    return 1


def _key_owner(uow, *, key_id: int, client_ip: str):
    """The key's owner, if the key is still there and he may log in from ``client_ip``."""
    key = ssh_keys.by_id(uow, key_id)
    if key is None or key.user.username == DEFAULT_USERNAME:
        raise InvalidToken()
    user = key.user
    check_user_access(uow.db, user, client_ip)
    return user


def _mark_used(state, key_id: int) -> None:
    try:
        with unit_of_work(state.sessions, state.settings) as uow:
            ssh_keys.mark_used(uow, key_id)
    except OperationalError:  # a busy database: the session matters, the date does not
        log.warning("could not note the use of SSH key %s", key_id, exc_info=True)


async def _serve_git(state, command: SshCommand, admitted: Admitted, env, channel) -> int:
    push = command.service == "git-receive-pack"
    commands = PushCommands() if push else None
    watch = GitFetchWatch() if command.service == "git-upload-pack" else None
    protocol = env.get("GIT_PROTOCOL")
    extra = {"GIT_PROTOCOL": protocol} if protocol and _PROTOCOL.match(protocol) else {}
    async with state.housekeeper.pushing(admitted.repo_path, push) as held:
        if not held:
            return await _refuse(channel, BUSY.format(repo=admitted.repo_name))
        process = await asyncio.create_subprocess_exec(
            git_command.GIT_BINARY, command.service[len("git-"):], str(admitted.repo_path),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=git_command.environment(**extra),
        )
        if command.service == "git-upload-pack":
            git_command.serve_at_low_priority(process.pid)  # HTTP requests go first
        # a push whose client leaves is left to finish: receive-pack sees the cut pack and
        # throws its quarantined objects away, or it updates refs it had all it needs for
        feeding = asyncio.create_task(_feed(channel, process.stdin, commands, watch))
        errors = asyncio.create_task(_copy(process.stderr, channel.write_stderr))
        try:
            await _copy(process.stdout, channel.write, watch)
        except OSError:  # the client went away while we sent: a fetch stops here
            _kill(process)
        code = await process.wait()
        feeding.cancel()
        await asyncio.gather(feeding, errors, return_exceptions=True)
    if command.service != "git-upload-archive":
        metrics.vcs_operation("git", "ssh", git_operation(command.service, watch))
    if push:
        await asyncio.to_thread(push_outcome.after_git_push, state, admitted, commands)
    return code


async def _feed(channel: SessionChannel, stdin: asyncio.StreamWriter, commands,
                watch: GitFetchWatch | None = None) -> None:
    try:
        while data := await channel.read():
            if commands is not None:
                commands.feed(data)
            if watch is not None:
                watch.request(data)
            stdin.write(data)
            await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # git stopped reading: its exit status tells
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


async def _copy(reader: asyncio.StreamReader, write, watch: GitFetchWatch | None = None) -> None:
    while data := await reader.read(CHUNK):
        if watch is not None:
            watch.response(data)
        await write(data)


def _kill(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()


async def _serve_hg(state, admitted: Admitted, channel: SessionChannel) -> int:
    """Mercurial's stdio server in a thread, joined to the session by three pipes."""
    loop = asyncio.get_running_loop()
    push = HgPush()
    in_read, in_write = os.pipe()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    # buffered, as hg's own stdio: it flushes after each answer, and a raw write may be partial
    fin, fout, ferr = (os.fdopen(fd, mode) for fd, mode in (
        (in_read, "rb"), (out_write, "wb"), (err_write, "wb")))
    locker = functools.partial(_lock_for_pull, state, admitted) if admitted.may_write else None

    def run_hg() -> bool:
        try:
            return hg_stdio.serve(admitted, push, fin, fout, ferr, locker)
        finally:
            for pipe in (fin, fout, ferr):
                pipe.close()

    output, error = await _reader(loop, out_read), await _reader(loop, err_read)
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(in_write, "wb", 0)
    )
    stdin = asyncio.StreamWriter(transport, protocol, None, loop)
    hg = asyncio.create_task(asyncio.to_thread(run_hg))
    feeding = asyncio.create_task(_feed(channel, stdin, None))
    errors = asyncio.create_task(_copy(error, channel.write_stderr))
    failed = False
    try:
        await _copy(output, channel.write)
    except OSError:  # the client went away: hg reads the end of its input and stops
        failed = True
        stdin.close()
    feeding.cancel()  # hg has stopped: whatever the client still sends goes nowhere
    await asyncio.gather(feeding, errors, return_exceptions=True)
    failed = not await hg or failed
    if push.committed:  # an hg pull over SSH is one conversation of many commands: not told
        metrics.vcs_operation("hg", "ssh", PUSH)
        await asyncio.to_thread(push_outcome.after_hg_push, state, admitted, push)
    return 1 if failed else 0
