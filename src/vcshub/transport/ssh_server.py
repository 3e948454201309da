"""The built-in SSH server (asyncssh): keys in vcshub's database, git and hg only.

Off unless ``ssh_port`` is set. ``vcshub serve`` runs it in a process of its own beside the
HTTP workers (:func:`run`), however many of them there are: one process listens on the port.
Any SSH user name is accepted (``ssh://git@host:2222/group/repo``): the key says who is asking.
Host keys (ed25519 and RSA) are generated into the data directory on the first start.
Sessions are served by :mod:`vcshub.transport.ssh_session`, as OpenSSH's forced command is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path

import asyncssh

from vcshub import vcs
from vcshub.config import Settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.metrics import exposition
from vcshub.services import ssh_keys
from vcshub.services.unit_of_work import unit_of_work
from vcshub.transport import ssh_session
from vcshub.tasks.search_queue import SearchQueue
from vcshub.transport.ssh_session import TransportState

log = logging.getLogger(__name__)
HOST_KEY_TYPES = (("ssh-ed25519", "ssh_host_ed25519_key"), ("ssh-rsa", "ssh_host_rsa_key"))
# Flow control: a clone's pack flows at up to this much in flight per channel; asyncssh's
# default (2 MiB) held a local clone to half of OpenSSH's speed.
WINDOW = 16 * 1024 * 1024
MAX_PACKET = 256 * 1024
PARENT_CHECK = 1.0  # seconds between looks whether `vcshub serve` is still there


def host_keys(settings: Settings) -> list[asyncssh.SSHKey]:
    """The server's host keys, made on first use (private, mode 0600)."""
    folder = settings.ssh_host_keys_dir
    folder.mkdir(parents=True, exist_ok=True)
    keys = []
    for algorithm, name in HOST_KEY_TYPES:
        path = folder / name
        if not path.exists():
            size = {"key_size": 3072} if algorithm == "ssh-rsa" else {}
            key = asyncssh.generate_private_key(algorithm, **size)
            _write_private(path, key.export_private_key())
            (folder / f"{name}.pub").write_bytes(key.export_public_key())
        keys.append(asyncssh.read_private_key(str(path)))
    return keys


def _write_private(path: Path, data: bytes) -> None:
    partial = path.with_suffix(".partial")
    with open(partial, "wb", opener=lambda name, flags: os.open(name, flags, 0o600)) as file:
        file.write(data)
    partial.rename(path)  # two processes starting together: one file wins whole


class _Gate(asyncssh.SSHServer):
    """One connection's authentication: public keys stored in vcshub, nothing else."""

    def __init__(self, state: TransportState) -> None:
        self.state = state
        self.key_id: int | None = None

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # asyncssh checks the signature right after this answer, before the next request:
        # the key validated last is the one the connection authenticated with
        key_id = await asyncio.to_thread(_stored_key_id, self.state, key)
        if key_id is None:
            return False
        self.key_id = key_id
        return True


def _stored_key_id(state: TransportState, key: asyncssh.SSHKey) -> int | None:
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        row = ssh_keys.by_fingerprint(uow, key.get_fingerprint("sha256"))
        return None if row is None else row.ssh_key_id


class _ProcessChannel:
    """An asyncssh session as the session channel (bytes, no encoding)."""

    def __init__(self, process: asyncssh.SSHServerProcess) -> None:
        self._process = process

    async def read(self) -> bytes:
        try:
            return await self._process.stdin.read(ssh_session.CHUNK)
        except (asyncssh.Error, OSError):
            return b""

    async def write(self, data: bytes) -> None:
        await self._send(self._process.stdout, data)

    async def write_stderr(self, data: bytes) -> None:
        await self._send(self._process.stderr, data)

    @staticmethod
    async def _send(stream: asyncssh.SSHWriter, data: bytes) -> None:
        try:
            stream.write(data)
            await stream.drain()
        except asyncssh.Error as exc:
            raise BrokenPipeError(str(exc)) from exc


def _session_handler(state: TransportState):
    async def handle(process: asyncssh.SSHServerProcess) -> None:
        connection = process.get_extra_info("connection")
        gate: _Gate = connection.get_owner()
        peer = process.get_extra_info("peername") or ("",)
        try:
            code = await ssh_session.serve(
                state, process.command, gate.key_id, peer[0], process.env, _ProcessChannel(process)
            )
        except OSError:
            code = 1
        process.exit(code)

    return handle


async def start(state: TransportState, host: str, port: int) -> asyncssh.SSHAcceptor:
    return await asyncssh.create_server(
        lambda: _Gate(state), host, port,
        server_host_keys=host_keys(state.settings),
        process_factory=_session_handler(state),
        encoding=None,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        window=WINDOW,
        max_pktsize=MAX_PACKET,
        login_timeout=60,
    )


def run(settings: Settings, parent_pid: int | None = None) -> None:
    """A process's life as the SSH server: until SIGTERM or SIGINT, or until ``parent_pid``
    (``vcshub serve``) is gone however it ended: a server left behind would keep the port."""
    logging.basicConfig(level=settings.log_level.upper())
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # a line per channel event otherwise
    vcs.load_backends()
    engine = create_db_engine(settings.effective_database_url)
    state = TransportState.build(settings, create_session_factory(engine))
    state.housekeeper.start()
    # pushes over SSH update the full-text index like those over HTTP (the HTTP workers'
    # queues catch up only at their start)
    search_queue = SearchQueue(state.sessions, settings)
    search_queue.start(catch_up=False)
    # its queues are the node's too; sampling also lists this process in the node's scrape
    sampler = exposition.GaugeSampler() if settings.metrics_enabled else None
    if sampler is not None:
        exposition.add_queue_sampler("search-index", search_queue.pending)
        exposition.add_queue_sampler("housekeeping", state.housekeeper.pending)
        sampler.start()

    async def serve() -> None:
        server = await start(state, settings.host, settings.ssh_port)
        log.info("vcshub SSH server listening on %s:%s", settings.host, settings.ssh_port)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        while not stopping.is_set():
            if parent_pid is not None and os.getppid() != parent_pid:
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stopping.wait(), PARENT_CHECK)
        server.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 10)

    try:
        asyncio.run(serve())
    finally:
        if sampler is not None:
            sampler.stop()
        state.housekeeper.stop()
        search_queue.stop()
        engine.dispose()
