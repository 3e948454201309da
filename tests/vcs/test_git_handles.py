"""The pool of open pygit2 handles (vcs/git_handles.py): lent to one user at a time, never stale,
bounded."""

from __future__ import annotations

import gc
import shutil
import subprocess

import pygit2

from vcshub.vcs import create_repository, open_repository
from vcshub.vcs.git_handles import POOL, HandlePool


def _commit(path, message: str) -> str:
    """A commit made by another process (git's plumbing), as a push would land."""
    env_tree = subprocess.run(["git", "--git-dir", str(path), "mktree"], input=b"",
                              capture_output=True, check=True).stdout.decode().strip()
    commit = subprocess.run(["git", "--git-dir", str(path), "commit-tree", env_tree, "-m", message],
                            capture_output=True, check=True).stdout.decode().strip()
    subprocess.run(["git", "--git-dir", str(path), "update-ref", "refs/heads/main", commit],
                   check=True)
    return commit


def test_a_repository_object_gives_its_handle_back_and_the_next_one_reuses_it(tmp_path):
    POOL.clear()
    create_repository(tmp_path / "r.git", "git")
    gc.collect()
    first = open_repository(tmp_path / "r.git")
    handle = first._git
    del first
    assert POOL.idle_count() == 1
    again = open_repository(tmp_path / "r.git")
    assert again._git is handle
    assert POOL.idle_count() == 0


def test_two_users_at_once_get_two_handles(tmp_path):
    POOL.clear()
    create_repository(tmp_path / "r.git", "git")
    one, two = open_repository(tmp_path / "r.git"), open_repository(tmp_path / "r.git")
    assert one._git is not two._git


def test_a_pooled_handle_sees_what_another_process_pushed(tmp_path):
    path = tmp_path / "r.git"
    create_repository(path, "git")
    first = _commit(path, "one")
    reader = open_repository(path)
    assert reader.get_commit("main").raw_id == first
    handle = reader._git
    del reader
    second = _commit(path, "two")
    again = open_repository(path)
    assert again._git is handle
    assert again.get_commit("main").raw_id == second
    assert again.get_commit(second).message.strip() == "two"


def test_a_repository_made_again_at_the_same_path_never_gets_the_old_handle(tmp_path):
    path = tmp_path / "r.git"
    create_repository(path, "git")
    old = _commit(path, "old")
    reader = open_repository(path)
    assert reader.get_commit(old).raw_id == old
    del reader
    shutil.rmtree(path)
    create_repository(path, "git")
    fresh = open_repository(path)
    assert fresh.is_empty()
    assert old not in fresh._git


def test_the_shelf_is_bounded_by_count_and_by_age(tmp_path):
    now = [0.0]
    pool = HandlePool(capacity=2, max_idle=10.0, clock=lambda: now[0])
    paths = []
    for name in ("a", "b", "c"):
        pygit2.init_repository(str(tmp_path / name), bare=True)
        paths.append(tmp_path / name)
    for path in paths:
        pool.give_back(*reversed(pool.lend(path)))
    assert pool.idle_count() == 2  # "a", the least recently given back, went
    handle, key = pool.lend(paths[2])
    pool.give_back(key, handle)
    now[0] = 11.0
    assert pool.lend(paths[2])[0] is not handle  # too old: opened again
    assert pool.idle_count() == 0
