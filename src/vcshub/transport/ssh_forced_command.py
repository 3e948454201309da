"""OpenSSH integration: sshd authenticates, vcshub decides and serves.

sshd asks ``vcshub ssh-keys-for <type> <key>`` (its ``AuthorizedKeysCommand``) whether a key
may log in; :func:`authorized_keys_line` answers with the key bound to a forced command,
``vcshub ssh-serve --key-id N``, and ``restrict`` (no shell, no forwarding, no pty). sshd runs
that command with the client's command in ``SSH_ORIGINAL_COMMAND``; :func:`serve` runs it
through the same session code as the built-in server, on the process's stdin and stdout.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from collections.abc import Mapping

from vcshub import vcs
from vcshub.auth import ssh_public_keys
from vcshub.config import Settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.services import ssh_keys
from vcshub.services.search import notices as search_notices
from vcshub.services.unit_of_work import unit_of_work
from vcshub.transport import ssh_session
from vcshub.tasks.search_queue import SearchQueue
from vcshub.transport.housekeeper import Housekeeper
from vcshub.transport.ssh_session import TransportState


def authorized_keys_line(settings: Settings, key_base64: str, command: list[str]) -> str | None:
    """The authorized_keys line for the offered key (sshd's %k), or None when no user has it.
    Found by fingerprint; the line carries the stored key, whose type sshd checks.

    ``command`` is how sshd starts ``vcshub`` (with its ``--config``); the key id is added.
    """
    fingerprint = ssh_public_keys.fingerprint(key_base64)
    if fingerprint is None:
        return None
    engine = create_db_engine(settings.effective_database_url)
    try:
        with unit_of_work(create_session_factory(engine), settings, writes=False) as uow:
            row = ssh_keys.by_fingerprint(uow, fingerprint)
            key_id, stored = (None, None) if row is None else (row.ssh_key_id, row.public_key)
    finally:
        engine.dispose()
    if key_id is None:
        return None
    forced = shlex.join([*command, "ssh-serve", "--key-id", str(key_id)])
    return f'command="{_quoted(forced)}",restrict {stored}'


def _quoted(command: str) -> str:
    # inside authorized_keys' double quotes only \" and \\ are special
    return command.replace("\\", "\\\\").replace('"', '\\"')


class _StdioChannel:
    """The forced command's stdin, stdout and stderr (pipes or sockets sshd gives it)."""

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self._input = asyncio.StreamReader(limit=ssh_session.CHUNK)
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(self._input), os.fdopen(0, "rb", 0, closefd=False)
        )
        self._output = await self._writer(loop, 1)
        self._errors = await self._writer(loop, 2)

    @staticmethod
    async def _writer(loop, fd: int) -> asyncio.StreamWriter:
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(fd, "wb", 0, closefd=False)
        )
        return asyncio.StreamWriter(transport, protocol, None, loop)

    async def read(self) -> bytes:
        try:
            return await self._input.read(ssh_session.CHUNK)
        except OSError:
            return b""

    async def write(self, data: bytes) -> None:
        self._output.write(data)
        await self._output.drain()

    async def write_stderr(self, data: bytes) -> None:
        self._errors.write(data)
        await self._errors.drain()

    async def close(self) -> None:
        for writer in (self._output, self._errors):
            writer.close()


def serve(settings: Settings, key_id: int, environ: Mapping[str, str]) -> int:
    """Serve ``SSH_ORIGINAL_COMMAND`` for the holder of key ``key_id``; the exit status."""
    vcs.load_backends()
    engine = create_db_engine(settings.effective_database_url)
    state = TransportState.build(settings, create_session_factory(engine))
    client_ip = (environ.get("SSH_CLIENT") or "").split(" ")[0]
    pushed: list[int] = []  # repositories whose full-text index must follow (a push's notice)
    search_notices.listen(pushed.append)

    async def session() -> int:
        channel = _StdioChannel()
        await channel.open()
        try:
            return await ssh_session.serve(
                state, environ.get("SSH_ORIGINAL_COMMAND"), key_id, client_ip, environ, channel
            )
        finally:
            await channel.close()

    try:
        code = asyncio.run(session())
    finally:
        engine.dispose()
    search_notices.forget(pushed.append)
    if not state.housekeeper.idle() or pushed:
        _housekeep_detached(state.housekeeper, SearchQueue(state.sessions, settings), pushed)
    return code


def _housekeep_detached(housekeeper: Housekeeper, search_queue: SearchQueue,
                        pushed: list[int]) -> None:
    """Housekeep and index after a push without holding the client: sshd ends the session
    when this process exits, so a child of its own session does the work."""
    if os.fork() != 0:
        return
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        housekeeper.start()
        search_queue.start(catch_up=False)
        for repo_id in dict.fromkeys(pushed):
            search_queue.request(repo_id)
        search_queue.stop(timeout=3600)  # works through the queue first
        housekeeper.stop(timeout=3600)
    finally:
        os._exit(0)


def vcshub_command(config_file) -> list[str]:
    """How sshd should start this ``vcshub``: the same executable and settings file."""
    command = [os.path.abspath(sys.argv[0])]
    if config_file:
        command += ["--config", os.path.abspath(str(config_file))]
    return command
