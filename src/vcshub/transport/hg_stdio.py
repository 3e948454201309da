"""``hg -R <repository> serve --stdio``: Mercurial's own SSH protocol server, run in a thread of
this process on the pipes the SSH session gives it.

One session may pull and push. Whether it may write was decided at admission: a user without
write permission gets a hook that refuses every transaction (so nothing of his push lands),
a writer gets the hooks that note what his push changed (:mod:`vcshub.transport.hg_push`).
A writer's pull of a locking repository takes the lock at the first command that only a pull
sends (the commands that lock over HTTP, :data:`requests.HG_LOCKING_COMMANDS`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import BinaryIO

from vcshub.transport import hg_push
from vcshub.transport.requests import HG_LOCKING_COMMANDS
from vcshub.transport.admission import Admitted
from vcshub.transport.hg_push import HgPush

log = logging.getLogger(__name__)
# The session served by this thread: Mercurial's command table is the process's, so the
# locking commands are wrapped once and look up whose session they run in.
_session = threading.local()
_wrapped = threading.Lock()
_installed = False


def serve(
    admitted: Admitted,
    push: HgPush,
    fin: BinaryIO,
    fout: BinaryIO,
    ferr: BinaryIO,
    take_pull_lock: Callable[[], str | None] | None = None,
) -> bool:
    """Serve until the client closes its end (blocking); False when Mercurial gave up (its
    message went to ``ferr``). ``take_pull_lock`` returns None when the lock is taken, or why
    it cannot be."""
    from mercurial import error, hg, wireprotoserver

    ui = hg_push.serving_ui()
    if admitted.may_write:
        hg_push.watch(ui, push, admitted.repo_path, admitted.repo_name)
    else:
        ui.setconfig(b"hooks", b"pretxnopen.vcshub", _refuse_writes(admitted.repo_name), b"vcshub")
    _wrap_locking_commands()
    # Messages (``adding changesets``, hooks' warnings) go to stderr, the protocol alone to
    # stdout. `hg serve --stdio` gets that by moving the process's own fd 1 aside
    # (procutil.protectstdio), which only works for the real stdio: here the server is handed
    # the protocol's streams directly.
    ui.fin, ui.fout, ui.ferr = fin, ferr, ferr
    _session.take_pull_lock = take_pull_lock
    try:
        repo = hg.repository(ui, str(admitted.repo_path).encode())
        repo.ui.protectfinout = lambda: (fin, fout)
        repo.ui.restorefinout = lambda *streams: None
        wireprotoserver.sshserver(repo.ui, repo).serve_forever()
    # ValueError: a client that left in the middle of a request (hg reads a chunk length
    # from what is left of its input, an empty line, and cannot make a number of it)
    except (error.Abort, error.RepoError, error.StorageError, error.LockError, ValueError) as exc:
        log.warning("hg serve --stdio on %s stopped: %s", admitted.repo_name, exc)
        ferr.write(f"vcshub: {exc}\n".encode())
        return False
    finally:
        _session.take_pull_lock = None
    return True


def _refuse_writes(repo_name: str):
    def hook(ui, repo, **kwargs) -> bool:
        ui.warn(f"vcshub: You are not allowed to push to `{repo_name}`\n".encode())
        return True  # a failing pretxnopen hook aborts the transaction before it starts

    return hook


def _wrap_locking_commands() -> None:
    global _installed
    from mercurial import wireprotov1server

    with _wrapped:
        if _installed:
            return
        for name in HG_LOCKING_COMMANDS:
            entry = wireprotov1server.commands.get(name.encode())
            if entry is not None:
                entry.func = _locking(entry.func)
        _installed = True


def _locking(command):
    def run(repo, proto, *args):
        take = getattr(_session, "take_pull_lock", None)  # None: hgweb's threads, or a reader
        refused = take() if take is not None else None
        if refused is not None:
            from mercurial import wireprototypes

            # hg prints it ("remote: ...") and stops
            return wireprototypes.ooberror(f"vcshub: {refused}".encode())
        return command(repo, proto, *args)

    return run
