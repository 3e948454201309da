"""Repository.housekeep, for both backends: it does its work when due and is harmless anytime."""

from __future__ import annotations

import shutil

from vcshub.vcs import create_repository, git_upkeep, hg, open_repository

from .conftest import run


def _loose_and_packed(path) -> tuple[int, int]:
    stats = dict(line.split(": ") for line in
                 run(["git", "--git-dir", str(path), "count-objects", "-v"]).splitlines())
    return int(stats["count"]), int(stats["in-pack"])


def _pack_files(path) -> set[str]:
    return {p.name for p in (path / "objects" / "pack").iterdir()}


def test_housekeep_on_an_empty_repository(kind, tmp_path):
    repo = create_repository(tmp_path / "r", kind)
    repo.housekeep()
    repo.housekeep(full=True)
    assert open_repository(repo.path).is_empty()


def test_housekeep_packs_or_warms_what_is_due(kind, server, populated):
    if kind == "git":
        first = server.housekeep()  # the first time: no bitmap yet, so a repack is due
        assert first == [git_upkeep.REPACK, git_upkeep.COMMIT_GRAPH]
        packs = _pack_files(server.path)
        assert any(n.endswith(".bitmap") for n in packs), packs
        assert (server.path / "objects" / "info" / "commit-graphs").is_dir()
        # a few loose objects (a small push) are not worth a repack; the graph still grows
        server.commit_files({"small.txt": b"small\n"}, "small", "A <a@example.com>")
        loose, _packed = _loose_and_packed(server.path)
        assert 0 < loose < git_upkeep.LOOSE_OBJECTS_DUE
        assert server.housekeep() == [git_upkeep.COMMIT_GRAPH]
        assert _loose_and_packed(server.path)[0] == loose
        # many loose objects are
        server.commit_files({f"many/{i}.txt": f"{i}\n".encode() for i in range(120)},
                            "many", "A <a@example.com>")
        assert server.housekeep() == [git_upkeep.REPACK, git_upkeep.COMMIT_GRAPH]
        assert _loose_and_packed(server.path)[0] == 0
        full = server.housekeep(full=True)
        assert full == [git_upkeep.REPACK_ALL, git_upkeep.PACK_REFS, git_upkeep.COMMIT_GRAPH_ALL]
        assert len([n for n in _pack_files(server.path) if n.endswith(".pack")]) == 1
        run(["git", "--git-dir", str(server.path), "fsck", "--strict"])
    else:
        cache = server.path / ".hg" / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        assert server.housekeep() == [hg.UPDATE_CACHES]
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
        assert server.housekeep() == []
    assert not cache.exists() or not any(cache.iterdir())
