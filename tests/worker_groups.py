"""Test modules that pytest-xdist must run whole in one worker process.

A module under one of ``ONE_WORKER_FOLDERS`` starts costly fixtures once per module
(tests/multinode: two server nodes of two processes each); spread over both xdist workers it
would start them twice, side by side. xdist's own ``xdist_group`` mark cannot say this under
pytest 9: xdist tags the mark onto ``item._nodeid``, which pytest 9 no longer reads, so the
scheduler never sees the group. The grouping is therefore by path, in the scheduler itself
(the controller knows test ids only, not marks). Every other test is its own group: spread one
by one, as ``--dist load`` does.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadGroupScheduling

ONE_WORKER_FOLDERS = ("tests/multinode/",)


class OneWorkerModules(LoadGroupScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        if module.startswith(ONE_WORKER_FOLDERS):
            return module
        return super()._split_scope(nodeid)


class WorkerGroupsPlugin:
    """Registered by tests/conftest.py when xdist runs (``--dist loadgroup``, pyproject)."""

    @pytest.hookimpl(tryfirst=True)  # before xdist's own, which would answer first
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") == "loadgroup":
            return OneWorkerModules(config, log)
        return None
