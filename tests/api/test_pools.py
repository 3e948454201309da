"""Which pool an API call runs on (api/pools.py): slow methods apart from fast ones."""

from __future__ import annotations

import orjson

from vcshub.api.methods import build_registry
from vcshub.api.pools import PEEK_LIMIT, SLOW_METHODS, ApiPools


def body(method: object, **extra) -> bytes:
    return orjson.dumps({"id": 1, "auth_token": "t", "method": method, "args": {}, **extra})


def test_slow_methods_go_to_the_slow_pool_and_the_rest_to_the_fast_one():
    pools = ApiPools(fast=2, slow=3)
    assert pools.limiter_for(body("pull")) is pools.slow
    assert pools.limiter_for(body("merge_pull_request")) is pools.slow
    for method in ("get_user", "get_server_info", "grant_user_permission", None, 5):
        assert pools.limiter_for(body(method)) is pools.fast
    # what cannot be a method call is answered at once: fast
    for raw in (b"", b"{", b"[1, 2]", b"null"):
        assert pools.limiter_for(raw) is pools.fast
    # too big to peek at on the event loop
    big = body("get_user", padding="x" * PEEK_LIMIT)
    assert pools.limiter_for(big) is pools.slow


def test_the_slow_methods_that_exist_are_registered_under_these_names():
    registered = set(build_registry().names())
    slow_and_registered = SLOW_METHODS & registered
    # the repository-writing and git/hg-running methods of the contract are all there
    assert {"create_repo", "fork_repo", "pull", "merge_pull_request", "create_pull_request",
            "update_pull_request", "maintenance"} <= slow_and_registered
