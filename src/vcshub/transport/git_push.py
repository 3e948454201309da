"""What a git push asks for: the ref updates its commands name (the same pkt-lines over HTTP and
SSH), and which of them took effect."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from vcshub.vcs import registry
from vcshub.vcs.errors import VCSError

log = logging.getLogger(__name__)
# "<old> <new> <ref>" (then NUL and capabilities on the first line), SHA-1 or SHA-256 ids.
_COMMAND = re.compile(rb"^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs/[^\0\n ]+)")
_MAX_PKT = 65520


@dataclass(frozen=True)
class RefUpdate:
    ref: str
    old: str
    new: str

    @property
    def deletes(self) -> bool:
        return set(self.new) == {"0"}


class PushCommands:
    """Collects the ref updates a receive-pack request starts with (pkt-lines up to a flush).

    The pack that follows is not looked at; the buffer never holds more than one pkt-line.
    """

    def __init__(self) -> None:
        self.updates: list[RefUpdate] = []
        self.done = False
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        if self.done or not data:
            return
        self._buffer += data
        while not self.done and len(self._buffer) >= 4:
            try:
                length = int(self._buffer[:4], 16)
            except ValueError:
                length = -1
            if length < 4 or length > _MAX_PKT:  # flush, delimiter or not a pkt-line at all
                self._finish()
            elif len(self._buffer) < length:
                return
            else:
                self._line(bytes(self._buffer[4:length]))
                del self._buffer[:length]

    def _line(self, payload: bytes) -> None:
        # push certificates carry the same command lines inside the certificate
        match = _COMMAND.match(payload)
        if match:
            ref = match[3].decode("utf-8", "surrogateescape")
            self.updates.append(RefUpdate(ref, match[1].decode(), match[2].decode()))

    def _finish(self) -> None:
        self.done = True
        self._buffer = bytearray()


def updated_refs(repo_path: Path, updates: list[RefUpdate]) -> list[RefUpdate]:
    """The updates that took effect: their ref now holds the new id (or is gone, for deletes).

    receive-pack moves a ref only if it still holds the old id the client saw, so an update
    whose ref holds its new id now was made by this push (or an identical one).
    """
    if not updates:
        return []
    try:
        current = registry.open_repository(repo_path).ref_heads()
    except VCSError:
        log.exception("cannot list the refs of %s after a push", repo_path)
        current = {}
    return [u for u in updates if current.get(u.ref) == (None if u.deletes else u.new)]
