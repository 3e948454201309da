"""Which operation a git or hg exchange was, for the metrics: clone, fetch or push.

git does not say. A clone and a fetch both POST to upload-pack, a fetch may negotiate over
several POSTs, and protocol v2's ls-refs POSTs too; so an upload-pack exchange counts once,
when its answer carries a pack (``\\x01PACK`` on side-band 1, or ``PACK`` right after a NAK
without side-band), and it is a fetch when the client listed objects it has (``have`` lines;
stateless requests repeat them in every round), else a clone. Both sides are watched as they
stream by, a few bytes of each chunk's end kept so that a marker cut in two is still seen;
past the first pack nothing more is looked at. Over SSH the same watch sees the whole
conversation. A push is a receive-pack exchange.

Mercurial names its commands: ``unbundle`` pushes; ``getbundle`` fetches, and clones when the
client has nothing in common (the null node only); ``stream_out`` clones.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from vcshub.metrics.instruments import CLONE, FETCH, PUSH

_HAVE = b"have "
_PACK_MARKERS = (b"\x01PACK", b"NAK\nPACK")
_KEEP = 8  # bytes of a chunk's end kept for the next one: longer than any marker
_NULL_NODE = "0" * 40


class GitFetchWatch:
    """Watches an upload-pack exchange: ``request`` and ``response`` get its bytes."""

    def __init__(self) -> None:
        self.has_haves = False
        self.sent_pack = False
        self._request_tail = b""
        self._response_tail = b""

    def request(self, data: bytes) -> None:
        if self.has_haves:
            return
        if _HAVE in self._request_tail + data:
            self.has_haves = True
        self._request_tail = data[-_KEEP:]

    def response(self, data: bytes) -> None:
        if self.sent_pack:
            return
        window = self._response_tail + data
        if any(marker in window for marker in _PACK_MARKERS):
            self.sent_pack = True
        self._response_tail = data[-_KEEP:]

    @property
    def operation(self) -> str | None:
        """clone or fetch; None when no pack went out (ls-refs, a negotiation round)."""
        if not self.sent_pack:
            return None
        return FETCH if self.has_haves else CLONE


def git_operation(service: str, watch: GitFetchWatch | None) -> str | None:
    if service == "git-receive-pack":
        return PUSH
    return watch.operation if watch is not None else None


def hg_operation(command: str, args: str) -> str | None:
    """The operation of one hg wire command; ``args`` its arguments, URL-encoded (the
    X-HgArg-N headers joined, or the query string)."""
    if command == "unbundle":
        return PUSH
    if command == "stream_out":
        return CLONE
    if command != "getbundle":
        return None
    common = parse_qs(args).get("common", [""])[0].split()
    return CLONE if all(node == _NULL_NODE for node in common) else FETCH


def hg_args(headers, query: str) -> str:
    """hg's URL-encoded command arguments: from the X-HgArg-1, -2, ... headers, else the URL."""
    parts = []
    index = 1
    while (part := headers.get(f"x-hgarg-{index}")) is not None:
        parts.append(part)
        index += 1
    return "".join(parts) or query
