"""Fixtures of the two-node tests: the nodes, started once per module, and an admin API client
on each of them."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.databases import fresh_postgres_database
from tests.multinode.cluster import (
    REDIS_URL, Cluster, redis_unreachable, server_errors, two_nodes,
)

SQLITE_REASON = (
    "several nodes share one PostgreSQL database; a SQLite file is one machine's database"
)


@pytest.fixture(scope="module")
def cluster(db_backend, tmp_path_factory) -> Cluster:
    if db_backend != "postgresql":
        pytest.skip(SQLITE_REASON)
    reason = redis_unreachable(REDIS_URL)
    if reason:
        pytest.skip(f"{reason}: the nodes share it")
    data_dir = tmp_path_factory.mktemp("two-nodes")
    with fresh_postgres_database("nodes") as url, two_nodes(data_dir, url) as nodes:
        yield nodes
    errors = server_errors(nodes)  # once they have stopped: their last words count too
    assert not errors, "the nodes failed inside:\n" + "\n".join(errors)


@pytest.fixture(scope="module")
def api_a(cluster) -> ApiClient:
    """The super-admin's API on node A (a new connection per call: either worker answers)."""
    client = ApiClient(cluster.a.api_url, cluster.a.admin_token, keep_alive=False)
    yield client
    client.close()


@pytest.fixture(scope="module")
def api_b(cluster) -> ApiClient:
    client = ApiClient(cluster.b.api_url, cluster.b.admin_token, keep_alive=False)
    yield client
    client.close()
