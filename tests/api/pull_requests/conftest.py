"""Fixtures of the code-review tests: a hosted repository of each kind with a working copy."""

from __future__ import annotations

import pytest

from tests.factories import unique
from tests.factories.api import create_repo, hosted_folder
from tests.factories.commits import WorkingCopy


@pytest.fixture(params=["git", "hg"])
def kind(request):
    return request.param


@pytest.fixture
def project(admin_api, live_server, kind, tmp_path):
    """A hosted repository with one commit on the main branch and a working copy of it."""
    name = create_repo(admin_api, kind, unique("prrepo"))
    work = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "work", kind)
    if kind == "git":
        work.git("checkout", "--quiet", "-b", "master")
    work.commit({"base.txt": "one\ntwo\nthree\n"}, "base")
    work.push("master" if kind == "git" else None)
    return name, work
