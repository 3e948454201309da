"""Test modules that pytest-xdist must run whole in one worker process.

A module under one of ``ONE_WORKER_FOLDERS`` starts costly fixtures once per module
(tests/multinode: two server nodes of two processes each); spread over both xdist workers it
would start them twice, side by side. xdist's own ``xdist_group`` mark cannot say this under
pytest 9: xdist tags the mark onto ``item._nodeid``, which pytest 9 no longer reads, so the
scheduler never sees the group. The grouping is therefore by path, in the scheduler itself
(the controller knows test ids only, not marks). Every other test is its own group: spread one
by one, as ``--dist load`` does.

A module listed in ``ONE_WORKER_PER_BACKEND`` starts a server of its own per database backend
(module-scoped fixtures parametrized by ``db_backend``) and uses no session-wide live server.
Spread one by one, each worker would start that server for each backend: its tests run instead
as one unit per backend (the SQLite half in one worker, the PostgreSQL half beside it in the
other), which starts each server once. Being big units, they are handed out first.
"""

from __future__ import annotations

import re

import pytest
from xdist.scheduler import LoadGroupScheduling

ONE_WORKER_FOLDERS = ("tests/multinode/",)
ONE_WORKER_PER_BACKEND = (
    "tests/api/test_api_fuzzing.py",  # an instance of its own (vcshub init, the app in-process)
    "tests/transport/test_bookkeeping_workers.py",  # a server with two worker processes
    "tests/transport/test_slow_clients.py",  # a server with a short request timeout
    "tests/transport/test_ssh.py",  # a server with the SSH server on, and an sshd before it
)
_BACKEND = re.compile(r"[\[-](sqlite|postgresql)[\]-]")


class OneWorkerModules(LoadGroupScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        if module.startswith(ONE_WORKER_FOLDERS):
            return module
        if module in ONE_WORKER_PER_BACKEND:
            backend = _BACKEND.search(nodeid.split("::", 1)[1])
            if backend:
                return f"{module}@{backend.group(1)}"
        return super()._split_scope(nodeid)


class WorkerGroupsPlugin:
    """Registered by tests/conftest.py when xdist runs (``--dist loadgroup``, pyproject)."""

    @pytest.hookimpl(tryfirst=True)  # before xdist's own, which would answer first
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") == "loadgroup":
            return OneWorkerModules(config, log)
        return None
