"""Commits written without a working copy, and what a push brought (both backends)."""

from vcshub import vcs


def test_commit_files_creates_history(kind, tmp_path):
    repo = vcs.create_repository(tmp_path / "r", kind)
    first = repo.commit_files({"a.txt": b"one\n", "d/b.bin": b"\x00\x01"}, "first", "Ann <ann@x.org>")
    second = repo.commit_files({"a.txt": b"two\n", "d/b.bin": None}, "second", "Ann <ann@x.org>")
    tip = repo.get_commit()
    assert tip.raw_id == second
    assert tip.parents == [first]
    assert tip.author == "Ann <ann@x.org>"
    assert tip.message.strip() == "second"
    assert repo.get_node(second, "a.txt").content == b"two\n"
    ops = {c.path: c.op for c in tip.changes()}
    assert ops == {"a.txt": "M", "d/b.bin": "D"}
    assert repo.new_commits([first], [second]) == [second]
    assert repo.new_commits([], [second]) == [first, second]


def test_commit_files_refuses_escaping_paths(kind, tmp_path):
    repo = vcs.create_repository(tmp_path / "r", kind)
    for bad in ("../x", "/abs", "a/../../b"):
        try:
            repo.commit_files({bad: b"x"}, "m", "A <a@b>")
        except vcs.RepositoryError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    assert repo.is_empty()
