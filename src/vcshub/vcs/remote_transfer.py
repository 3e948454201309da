"""Running a transfer from a remote repository (a git or hg child process) within limits.

A remote that never answers, or trickles, must not hold a server thread for long, and a crowd
of such requests must not take every thread. Each transfer runs in its own process group,
watched for progress: it is killed after ``stall`` seconds without a byte of output (git and hg
are asked to report progress) or ``timeout`` seconds in all, whatever the scheme. At most
``max_concurrent`` transfers run at once, whichever worker process (or node) runs them: the
places are the installation's (``slots``, a semaphore of :mod:`vcshub.coordination` given by
the service; a dead process's place is freed); one more is refused at once rather than queued,
so that the caller gets an answer instead of a hang.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import ContextManager
from dataclasses import dataclass

from .errors import CloneError, TransferRefused, TransferStalled
from .git_command import environment

# Keep this much of a child's stderr for the error message (progress output can be long).
_STDERR_KEPT = 64 * 1024
_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class TransferLimits:
    """How a remote operation may run. The defaults suit a server; tests shrink them."""

    timeout: float = 3600.0
    stall: float = 120.0
    max_concurrent: int = 8
    # Takes one of the installation's places for a block, yielding whether it got one (a
    # coordination semaphore's ``slot``); None: this process's count only.
    slots: Callable[[], ContextManager[bool]] | None = None
    # The ssh client for ssh:// remotes; empty means one that uses no agent, no identity and no
    # ssh configuration of the server account (its keys must not open other doors).
    ssh_command: str = ""
    # Set by the host policy for callers limited to public addresses: HTTP redirects are not
    # followed and hg connects to public addresses only; the transfer goes to the address that
    # was checked, not to a second (different) answer of the name server: git over HTTP through
    # ``pinned`` ("host:port:address", curl's resolve syntax), git:// through ``rewrites``
    # (git's url.<new>.insteadOf=<old>), ssh through ``ssh_address`` (host keys still checked
    # under the host's name).
    public_only: bool = False
    pinned: tuple[str, ...] = ()
    rewrites: tuple[tuple[str, str], ...] = ()
    ssh_address: tuple[str, str] | None = None  # (host name, address)

    def ssh(self) -> str:
        command = self.ssh_command or (
            "ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityFile=/dev/null"
            f" -o ConnectTimeout={max(1, int(self.stall))}"
            f" -o ServerAliveInterval={max(1, int(self.stall) // 3)} -o ServerAliveCountMax=3"
        )
        if self.ssh_address is not None:
            host, address = self.ssh_address
            command += f" -o HostName={address} -o HostKeyAlias={host}"
        return command


_slots = threading.Lock()
_running = 0


@contextlib.contextmanager
def transfer_slot(limits: TransferLimits) -> Iterator[None]:
    """Hold one of the ``max_concurrent`` places for the duration of a transfer."""
    if limits.slots is not None:
        with limits.slots() as held:
            if not held:
                raise _refused(limits)
            yield
        return
    global _running
    with _slots:
        if _running >= limits.max_concurrent:
            raise _refused(limits)
        _running += 1
    try:
        yield
    finally:
        with _slots:
            _running -= 1


def _refused(limits: TransferLimits) -> TransferRefused:
    return TransferRefused(
        f"too many remote operations in progress ({limits.max_concurrent}); try again later"
    )


def child_environment(limits: TransferLimits, extra: Mapping[str, str] | None = None) -> dict:
    """The one child environment (:func:`git_command.environment`) with the ssh client that
    ``limits`` allows, for git and hg alike."""
    return environment(GIT_SSH_COMMAND=limits.ssh(), **(extra or {}))


def run_transfer(
    cmd: Sequence[str], limits: TransferLimits, what: str, env: Mapping[str, str] | None = None
) -> str:
    """Run ``cmd`` under ``limits`` and return its stdout; failures raise :class:`CloneError`
    with the tool's own message (``what`` names the operation, e.g. ``git clone``)."""
    with transfer_slot(limits):
        return _watched(list(cmd), limits, what, env or child_environment(limits))


# Transfers do not use git_command.run: a remote can trickle for hours without ever failing,
# so the process is watched for progress (stall limit) and killed with its helpers (ssh, curl)
# as a group, which a plain timeout cannot do.
def _watched(cmd: list[str], limits: TransferLimits, what: str, env: Mapping[str, str]) -> str:
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(env), start_new_session=True,  # its own group: kill helpers (ssh, curl) too
        )
    except OSError as exc:
        raise CloneError(f"cannot run {what}: {exc}") from None
    last_output = [time.monotonic()]
    stdout, stderr = bytearray(), bytearray()
    pumps = [
        threading.Thread(target=_pump, args=(stream, sink, last_output, keep), daemon=True)
        for stream, sink, keep in ((proc.stdout, stdout, None), (proc.stderr, stderr, _STDERR_KEPT))
    ]
    for pump in pumps:
        pump.start()
    started = time.monotonic()
    failure = None
    while proc.poll() is None:
        now = time.monotonic()
        if now - started > limits.timeout:
            failure = f"{what} took longer than {limits.timeout:g}s and was stopped"
        elif now - last_output[0] > limits.stall:
            failure = f"{what} stopped: no progress from the remote for {limits.stall:g}s"
        if failure:
            _kill_group(proc)
            break
        time.sleep(_POLL_SECONDS)
    proc.wait()
    for pump in pumps:
        pump.join(timeout=5)
    if failure:
        raise TransferStalled(failure)
    if proc.returncode != 0:
        raise CloneError(f"{what} failed: {_error_text(bytes(stderr), proc.returncode)}")
    return stdout.decode("utf-8", "replace")


def _pump(stream, sink: bytearray, last_output: list[float], keep: int | None) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        last_output[0] = time.monotonic()
        sink += chunk
        if keep is not None and len(sink) > keep:
            del sink[: len(sink) - keep]
    stream.close()


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _error_text(stderr: bytes, returncode: int) -> str:
    """The tool's last few message lines, without progress meters."""
    text = stderr.decode("utf-8", "replace").replace("\r", "\n")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    messages = [ln for ln in lines if ln.lower().startswith(("fatal", "error", "abort", "remote:"))]
    return "; ".join((messages or lines)[-3:]) or f"exit code {returncode}"
