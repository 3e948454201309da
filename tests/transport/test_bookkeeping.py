"""When push bookkeeping runs, and who waits for it.

The live pushes are in test_http_access.py and test_push_integrity.py.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from vcshub.coordination import FileCoordination
from vcshub.transport.bookkeeping import PushBookkeeping, WaitForBookkeeping


@pytest.fixture
def registry(tmp_path) -> PushBookkeeping:
    """This process's bookkeeping, announced through the local backend (the Redis one is in
    tests/coordination)."""
    return PushBookkeeping(FileCoordination(tmp_path).bookkeeping_marks())


def _scope(method: str, path: str, query: str = "") -> dict:
    return {"type": "http", "method": method, "path": path, "query_string": query.encode(),
            "headers": []}


def test_the_response_ends_first(registry):
    events: list[str] = []

    async def end_response() -> None:
        events.append("response ended")

    def bookkeeping() -> None:
        events.append("bookkeeping")

    asyncio.run(registry.finish(end_response, bookkeeping))
    assert events == ["response ended", "bookkeeping"]


def test_bookkeeping_runs_when_the_client_is_gone(registry):
    done = []

    async def end_response() -> None:
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        asyncio.run(registry.finish(end_response, lambda: done.append(True)))
    assert done == [True]
    asyncio.run(asyncio.wait_for(registry.settled(), 1))  # nothing left pending


def test_a_request_waits_for_bookkeeping_announced_before_it_only(registry):
    release = threading.Event()
    seen: list[str] = []

    async def inner_app(scope, receive, send) -> None:
        seen.append(scope["path"])

    app = WaitForBookkeeping(inner_app, registry)

    async def scenario() -> None:
        running = asyncio.create_task(registry.run(release.wait))
        await asyncio.sleep(0.05)
        request = asyncio.create_task(app(_scope("POST", "/after"), None, None))
        await asyncio.sleep(0.05)
        assert seen == []  # still waiting for the bookkeeping that was running
        later = registry.begin()  # announced after the request arrived: not waited for
        release.set()
        await asyncio.wait_for(request, 1)
        assert seen == ["/after"]
        registry.end(later)
        await running

    asyncio.run(scenario())


def test_other_scopes_do_not_wait(registry):
    registry.begin()  # never ends
    seen = []

    async def inner_app(scope, receive, send) -> None:
        seen.append(scope["type"])

    asyncio.run(asyncio.wait_for(WaitForBookkeeping(inner_app, registry)({"type": "lifespan"}, None, None), 1))
    assert seen == ["lifespan"]


@pytest.mark.parametrize(
    ("method", "path", "query", "waits"),
    [
        ("POST", "/_admin/api", "", True),
        ("GET", "/some/repo/changelog", "", True),  # the web UI
        ("GET", "/repo/info/refs", "service=git-receive-pack", True),
        ("POST", "/repo/git-upload-pack", "", True),  # a pull may take or meet a lock
        ("POST", "/repo", "cmd=unbundle", True),
        ("GET", "/repo", "cmd=getbundle", True),
        ("GET", "/repo", "cmd=listkeys", False),  # ends every hg push: reads the repository only
        ("GET", "/repo", "cmd=capabilities", False),
    ],
)
def test_which_requests_wait(registry, method, path, query, waits):
    registry.begin()  # never ends: a request that waits times out below
    seen = []

    async def inner_app(scope, receive, send) -> None:
        seen.append(scope["path"])

    app = WaitForBookkeeping(inner_app, registry)

    async def attempt() -> None:
        try:
            await asyncio.wait_for(app(_scope(method, path, query), None, None), 0.2)
        except TimeoutError:
            pass

    asyncio.run(attempt())
    assert (seen == []) == waits
