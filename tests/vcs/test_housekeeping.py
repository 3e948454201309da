"""Repository.housekeep, for both backends: it does its work when due and is harmless anytime."""

from __future__ import annotations

import shutil

from vcshub.vcs import create_repository, open_repository

from .conftest import run


def _loose_and_packed(path) -> tuple[int, int]:
    stats = dict(line.split(": ") for line in
                 run(["git", "--git-dir", str(path), "count-objects", "-v"]).splitlines())
    return int(stats["count"]), int(stats["in-pack"])


def _bucket_17(path) -> int:
    """Loose objects in objects/17: the sample `git gc --auto` counts to judge."""
    folder = path / "objects" / "17"
    return len(list(folder.iterdir())) if folder.is_dir() else 0


def test_housekeep_on_an_empty_repository(kind, tmp_path):
    repo = create_repository(tmp_path / "r", kind)
    repo.housekeep()
    assert open_repository(repo.path).is_empty()


def test_housekeep_packs_or_warms_what_is_due(kind, server, populated):
    if kind == "git":
        # Loose objects from commits written in place, until gc's sample bucket holds two.
        batch = 0
        while _bucket_17(server.path) < 2:
            server.commit_files({f"many/{batch}-{i}.txt": f"{batch} {i}\n".encode()
                                 for i in range(200)}, f"batch {batch}", "A <a@example.com>")
            batch += 1
        loose, _packed = _loose_and_packed(server.path)
        server.housekeep()  # gc.auto's default (6700) is far away: nothing to do
        assert _loose_and_packed(server.path)[0] == loose
        run(["git", "--git-dir", str(server.path), "config", "gc.auto", "1"])
        server.housekeep()
        loose_after, packed_after = _loose_and_packed(server.path)
        assert loose_after == 0 and packed_after >= loose
    else:
        cache = server.path / ".hg" / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        server.housekeep()
        names = {p.name for p in cache.iterdir()}
        assert any(n.startswith("branch2") for n in names), names  # branch heads
        assert any(n.startswith("rbc-") for n in names), names  # branch names of revisions
    after = open_repository(server.path)
    assert after.get_commit(populated.ids[-1]).summary == "third"


def test_hg_housekeep_skips_a_locked_repository(kind, server, populated):
    """A push holds the lock: housekeeping steps aside instead of waiting (git's gc has its
    own lock and gives up by itself)."""
    if kind != "hg":
        server.housekeep()
        return
    cache = server.path / ".hg" / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    pusher = open_repository(server.path)
    with pusher.repo.lock():
        server.housekeep()
    assert not cache.exists() or not any(cache.iterdir())
