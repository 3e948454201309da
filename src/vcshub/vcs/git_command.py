"""Running the ``git`` binary: the one environment every git (and hg) child process gets, and
the one way to run git for a result or a stream of output.

Everything that starts git goes through :func:`environment`: the variables a hook, a parent git
process or the server account's session could leave behind would otherwise redirect a command
to another repository or object store, change its identity or configuration, or make it wait
for a password prompt that nobody will answer. Short commands go through :func:`run` (a timeout,
git's own last words in the error); a command whose output is passed on as it comes through
:func:`stream`. Two callers keep their own process handling and only take the environment:
transfers from remotes (:mod:`remote_transfer`: they watch for stalls and kill a process group)
and the smart-HTTP transport (asyncio pipes to and from the client).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import RepositoryError

GIT_BINARY = "git"

# The niceness of the git processes that send repository data to clients (upload-pack and the
# pack-objects it starts, which inherits it): 64 clones at once must not starve the worker
# processes that answer the API and pages, which keep the default 0. An idle machine gives the
# clones all its CPU all the same.
SERVING_NICENESS = 10

# A merge of a huge fork may transfer a lot, but never should one command hang a worker.
DEFAULT_TIMEOUT = 600.0
STREAM_CHUNK = 1024 * 1024
_STDERR_KEPT = 2000

# Variables that point git at another repository, object store or config; inherited from a hook
# or a parent git process they would redirect our commands. Identity variables go too: commits
# are made from the author given, never from the environment. The ssh agent and ssh command of
# the server account must not open other doors (remotes get their own ssh command).
_DROPPED_VARS = frozenset((
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
    "GIT_QUARANTINE_PATH", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
    "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
    "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "GIT_SSH",
))


def serve_at_low_priority(pid: int) -> None:
    """Lower the CPU priority of the process ``pid`` serving a clone or fetch, just started
    (before upload-pack has read the client's wants, so before it starts pack-objects)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.setpriority(os.PRIO_PROCESS, pid, SERVING_NICENESS)


def environment(**extra: str) -> dict[str, str]:
    """The server's environment without the variables above, never prompting, messages in the
    C locale (callers read git's output), with ``extra`` added last."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_VARS}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true", SSH_ASKPASS="true", LC_ALL="C")
    env.update(extra)
    return env


def _argv(args: Sequence[str], git_dir: Path | str | None) -> list[str]:
    argv = [GIT_BINARY]
    if git_dir is not None:
        argv.append(f"--git-dir={git_dir}")
    return [*argv, *args]


def _name(args: Sequence[str]) -> str:
    """``git <subcommand>`` for messages: the first argument that is neither an option nor the
    value of ``-c``/``-C``."""
    taking_value = False
    for arg in args:
        if taking_value:
            taking_value = False
        elif arg in ("-c", "-C"):
            taking_value = True
        elif not arg.startswith("-"):
            return f"git {arg}"
    return "git"


def _last_words(stderr: bytes, returncode: int) -> str:
    lines = [ln for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return "; ".join(lines[-3:]) or f"exit code {returncode}"


def run(
    args: Sequence[str], *, git_dir: Path | str | None = None, input: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT, **extra_env: str,
) -> bytes:
    """Run ``git [--git-dir=DIR] args`` and return its stdout. A failure, a timeout or a missing
    git binary raises RepositoryError naming the command, with git's own last lines."""
    what = _name(args)
    try:
        # A group of its own: on timeout git's helpers (pack-objects, repack, ...) go too;
        # left alive they would hold the pipes open and the wait would last as long as they do.
        proc = subprocess.Popen(
            _argv(args, git_dir), stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(**extra_env),
            start_new_session=True,
        )
    except OSError as exc:
        raise RepositoryError(f"cannot run git: {exc}") from None
    try:
        stdout, stderr = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RepositoryError(f"{what} timed out after {timeout:g}s") from None
    except BaseException:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    if proc.returncode != 0:
        raise RepositoryError(f"{what} failed: {_last_words(stderr, proc.returncode)}")
    return stdout


def stream(args: Sequence[str], *, git_dir: Path | str | None = None,
           chunk: int = STREAM_CHUNK) -> Iterator[bytes]:
    """Run git and yield its stdout in chunks of up to ``chunk`` bytes as it comes (for output
    too big to hold, e.g. archives). A failure raises RepositoryError after the output; closing
    the generator early kills git. No timeout: the reader sets the pace."""
    what = _name(args)
    with tempfile.TemporaryFile() as errors:  # a file: a full stderr pipe would stall git
        try:
            process = subprocess.Popen(
                _argv(args, git_dir), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=errors, env=environment(),
            )
        except OSError as exc:
            raise RepositoryError(f"cannot run git: {exc}") from None
        try:
            _widen_pipe(process.stdout, chunk)
            while data := process.stdout.read(chunk):
                yield data
            if process.wait() != 0:
                errors.seek(0)
                message = errors.read()[-_STDERR_KEPT:]
                raise RepositoryError(f"{what} failed: {_last_words(message, process.returncode)}")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()


def _widen_pipe(pipe, size: int) -> None:
    """A bigger pipe lets git run ahead while a chunk is being passed on (Linux; best effort)."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, size)
