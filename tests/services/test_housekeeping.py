"""services.housekeeping: who may ask for it, one run at a time per repository, and pushes
that land while it runs."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from tests.factories import people
from tests.factories import repos as make
from tests.factories.commits import GIT, WorkingCopy
from vcshub import coordination
from vcshub.services import housekeeping, repo_disk, repo_permissions
from vcshub.services.errors import NotFound
from vcshub.vcs import git_upkeep


@pytest.mark.parametrize("perm", ["repository.read", "repository.write"])
def test_maintenance_is_for_the_repository_admin(committing_uow, perm):
    uow = committing_uow
    root = people.caller(uow, people.admin(uow))
    repo = make.repo(uow, root, commits=({"a.txt": "a\n"},))
    other = people.user(uow)
    repo_permissions.grant_user(uow, root, repo, other, perm)
    with pytest.raises(NotFound):
        housekeeping.maintenance(uow, people.caller(uow, other), repo.repo_name)
    repo_permissions.grant_user(uow, root, repo, other, "repository.admin")
    name, actions = housekeeping.maintenance(uow, people.caller(uow, other), repo.repo_name)
    assert name == repo.repo_name
    assert actions == [git_upkeep.REPACK_ALL, git_upkeep.PACK_REFS, git_upkeep.COMMIT_GRAPH_ALL]


def test_every_repository_is_for_super_admins(uow, root):
    from vcshub.services.errors import AccessDenied

    with pytest.raises(AccessDenied):
        housekeeping.every_repository(uow, people.caller(uow, people.user(uow)))
    repo = make.repo(uow, root)
    assert (repo.repo_name, repo_disk.path(uow, repo), "git") in housekeeping.every_repository(uow, root)


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_one_run_at_a_time(uow, root, kind):
    repo = make.repo(uow, root, kind=kind)
    make.add_commits(uow, repo, {"a.txt": "a\n"})
    folder = repo_disk.path(uow, repo)
    shared_state = coordination.for_settings(uow.settings)
    with shared_state.exclusive(folder, 0) as held:
        assert held
        assert housekeeping.housekeep_folder(folder, kind, shared_state) is None  # another run has it
        with shared_state.exclusive(folder, 0) as second:
            assert not second
    with shared_state.shared(folder, 0) as pushing:
        assert pushing
        assert housekeeping.housekeep_folder(folder, kind, shared_state) is None  # a push has it
    assert housekeeping.housekeep_folder(folder, kind, shared_state)  # free again: it runs


def test_a_push_during_housekeeping_lands(uow, root):
    repo = make.repo(uow, root)
    make.add_commits(uow, repo, *({f"d{i}/f{j}.txt": f"{i} {j}\n" for j in range(50)}
                                  for i in range(20)))
    folder = repo_disk.path(uow, repo)
    with tempfile.TemporaryDirectory() as tmp:
        work = WorkingCopy.clone(folder, Path(tmp) / "w", "git")
        pushed = work.commit({"during.txt": "pushed during housekeeping\n" * 500}, message="during")
        start = threading.Barrier(2)
        outcome: dict = {}

        def housekeep() -> None:
            start.wait()
            outcome["actions"] = housekeeping.housekeep_folder(
                folder, "git", coordination.for_settings(uow.settings), full=True, wait=True)

        worker = threading.Thread(target=housekeep)
        worker.start()
        start.wait()
        work.push("master")
        worker.join(120)
    assert outcome["actions"][0] == git_upkeep.REPACK_ALL
    subprocess.run([GIT, "--git-dir", str(folder), "fsck", "--full", "--strict"], check=True,
                   capture_output=True)
    tip = subprocess.run([GIT, "--git-dir", str(folder), "rev-parse", "master"], check=True,
                         capture_output=True, text=True).stdout.strip()
    assert tip == pushed
