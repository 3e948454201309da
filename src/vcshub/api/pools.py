"""Which threads an API call runs on.

The API's work is synchronous (SQLAlchemy, pygit2, Mercurial), so each call runs in a thread
beside the event loop. Fast calls (a lookup, a permission change: a few milliseconds) get a
small pool of their own per process: a few threads keep the CPU busy, more would only fight
over the GIL and stretch every call's latency. Calls that wait on git, hg or the network for
seconds (clones and pulls from remotes, forks, merges, housekeeping) run on another, so that a
burst of them never leaves the fast calls without a thread. Bodies too large to peek at cheaply
(a big gist) count as slow.
"""

from __future__ import annotations

import orjson
from anyio import CapacityLimiter

# Methods that run git or hg, or reach the network, for longer than a request should hold a
# fast thread. Their aliases (legacy names) are listed too.
SLOW_METHODS = frozenset({
    "create_repo", "fork_repo", "pull", "maintenance", "rescan_repos", "strip",
    "create_pull_request", "update_pull_request", "merge_pull_request",
    "create_gist", "update_gist", "delete_repo", "delete_repo_group", "update_repo",
    "update_repo_group", "get_repo_changesets", "get_repo_nodes", "get_repo_file",
    "get_repo_fts_tree", "get_changesets", "search",
})
PEEK_LIMIT = 16 * 1024  # bytes of body parsed on the event loop to find the method
FAST_THREADS = 4
SLOW_THREADS = 16


class ApiPools:
    def __init__(self, fast: int = FAST_THREADS, slow: int = SLOW_THREADS) -> None:
        self.fast = CapacityLimiter(fast)
        self.slow = CapacityLimiter(slow)

    def limiter_for(self, body: bytes) -> CapacityLimiter:
        return self.slow if _slow(body) else self.fast


def _slow(body: bytes) -> bool:
    if len(body) > PEEK_LIMIT:
        return True
    return peek_method(body) in SLOW_METHODS


def peek_method(body: bytes) -> str | None:
    """The method a request body names, when it is small enough to parse on the event loop
    (and is JSON naming one); None otherwise (a parse error is answered at once)."""
    if len(body) > PEEK_LIMIT:
        return None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    method = document.get("method") if isinstance(document, dict) else None
    return method if isinstance(method, str) else None
