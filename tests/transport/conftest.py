"""Fixtures of the transport tests: the real git and hg clients, in the test's own folder."""

from __future__ import annotations

import pytest

from tests.transport.clients import Clients


@pytest.fixture
def clients(live_server, tmp_path) -> Clients:
    return Clients(live_server.url, tmp_path)
