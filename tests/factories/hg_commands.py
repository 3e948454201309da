"""Mercurial commands that only touch local folders, run by Mercurial's own dispatcher inside
the test process instead of a new ``hg`` process.

Why: an ``hg`` process pays about 0.2 s of interpreter start-up and imports before it does
anything. Building the test histories ran about 1,500 of them per suite run, and they were
90 % of the time of every Mercurial test (half the suite). Inside the process the same
command (``mercurial.dispatch``, what the ``hg`` script calls) costs a few milliseconds.

What stays a real ``hg`` process: anything that talks to a server (a URL on the command line,
or push/pull/incoming/outgoing whose default path is a URL), because that is what the
transport tests test. :func:`runs_here` decides.

The command sees what the clean environment of ``tests.factories.commits.run`` gives a child:
no configuration file at all (``HGRCPATH=""``: a bare ``ui``), plain output, UTF-8, the
``HGUSER`` asked for. Process-wide state Mercurial touches (environment keys, its encoding,
the signal handlers it installs, the working directory) is put back afterwards.
"""

from __future__ import annotations

import io
import signal
from collections.abc import Mapping
from pathlib import Path

from mercurial import dispatch, encoding, main_script
from mercurial import ui as uimod

# Commands whose default path may be a server.
_REMOTE_COMMANDS = {"push", "pull", "incoming", "outgoing", "in", "out"}
_SIGNALS = [getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)]


def runs_here(args: list[str], cwd: Path | None) -> bool:
    """True when the command touches only local folders (see the module docstring)."""
    if any("://" in arg for arg in args):
        return False
    command = next((arg for arg in args if not arg.startswith("-")), "")
    if command in _REMOTE_COMMANDS:
        repo = _repository_option(args) or cwd
        return repo is not None and not _default_path_is_url(Path(repo))
    return True


def run(args: list[str], cwd: Path | None, env: Mapping[str, str]) -> tuple[int, str, str]:
    """Run ``hg <args>`` in ``cwd``; (exit code, standard output, standard error)."""
    fout, ferr = io.BytesIO(), io.BytesIO()
    ui = uimod.ui()  # reads no configuration file, like HGRCPATH=""
    words = [arg.encode() for arg in args]
    if cwd is not None:
        words = [b"--cwd", str(cwd).encode(), *words]
    request = main_script.request(words, ui=ui, fin=io.BytesIO(), fout=fout, ferr=ferr)
    wanted = {b"HGPLAIN": b"1", b"HGUSER": env.get("HGUSER", "").encode() or None,
              b"HGENCODING": b"utf-8", b"EMAIL": None}
    saved_env = {key: encoding.environ.get(key) for key in wanted}
    saved_encoding = encoding.encoding
    saved_handlers = [signal.getsignal(number) for number in _SIGNALS]
    try:
        _set_environ(wanted)
        encoding.encoding = b"utf-8"
        code = dispatch.dispatch(request)
    finally:
        _set_environ(saved_env)
        encoding.encoding = saved_encoding
        for number, handler in zip(_SIGNALS, saved_handlers):
            signal.signal(number, handler)
    return code & 255, fout.getvalue().decode("utf-8", "replace"), \
        ferr.getvalue().decode("utf-8", "replace")


def _set_environ(values: Mapping[bytes, bytes | None]) -> None:
    for key, value in values.items():
        if value is None:
            encoding.environ.pop(key, None)
        else:
            encoding.environ[key] = value


def _repository_option(args: list[str]) -> str | None:
    for flag in ("-R", "--repository", "--cwd"):
        if flag in args[:-1]:
            return args[args.index(flag) + 1]
    return None


def _default_path_is_url(repo: Path) -> bool:
    hgrc = repo / ".hg" / "hgrc"
    try:
        text = hgrc.read_text(errors="replace")
    except OSError:
        return False
    return "://" in text
