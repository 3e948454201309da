"""The structured diff a renderer draws: operations, modes, binaries, hunks with line numbers,
renames and copies as such, and whitespace ignored on request; on both backends."""

from __future__ import annotations

import os

import pytest

from tests.vcs.conftest import BINARY
from vcshub.vcs import split_diff
from vcshub.vcs.diffs import DiffLine, parse_hunks


@pytest.fixture
def changed(server, work):
    """0: a.txt (10 lines), run.sh, w.txt, img.bin; 1: a.txt renamed to b.txt with line 5
    changed, run.sh made executable, w.txt re-indented, img.bin changed."""
    work.write("a.txt", "".join(f"line {n}\n" for n in range(1, 11)))
    work.write("run.sh", "echo hi\n")
    work.write("w.txt", "if x:\n    y()\n")
    work.write("img.bin", BINARY)
    first = work.commit("first")
    work.rename("a.txt", "b.txt")
    work.write("b.txt", "".join(f"line {n}\n" if n != 5 else "five\n" for n in range(1, 11)))
    os.chmod(work.path / "run.sh", 0o755)
    work.write("w.txt", "if x:\n\ty()\n")
    work.write("img.bin", BINARY + b"more")
    second = work.commit("second")
    work.push()
    return first, second


def _files(server, first, second, **options):
    return {f.path: f for f in split_diff(server.diff(first, second, **options))}


def test_a_rename_is_shown_as_such_with_line_numbers(server, changed):
    files = _files(server, *changed, renames=True)
    moved = files["b.txt"]
    assert (moved.operation, moved.old_path, moved.new_path) == ("renamed", "a.txt", "b.txt")
    assert "a.txt" not in files
    [hunk] = moved.hunks
    assert (hunk.old_start, hunk.new_start) == (2, 2)
    changes = [(l.kind, l.old, l.new, l.text) for l in hunk.lines if l.kind != "context"]
    assert changes == [("deleted", 5, None, "line 5"), ("added", None, 5, "five")]
    context = [(l.old, l.new) for l in hunk.lines if l.kind == "context"]
    assert context == [(2, 2), (3, 3), (4, 4), (6, 6), (7, 7), (8, 8)]


def test_without_renames_a_rename_is_a_deletion_and_an_addition(server, changed):
    files = _files(server, *changed)
    assert files["a.txt"].operation == "deleted" and files["a.txt"].new_path is None
    assert files["b.txt"].operation == "added" and files["b.txt"].old_path is None
    assert files["b.txt"].hunks[0].lines[0] == DiffLine("added", None, 1, "line 1")


def test_mode_change_and_binary(server, changed):
    files = _files(server, *changed, renames=True)
    script = files["run.sh"]
    assert (script.old_mode, script.new_mode, script.mode_changed) == ("100644", "100755", True)
    assert script.hunks == []
    assert files["img.bin"].binary and files["img.bin"].hunks == []
    assert not files["w.txt"].binary and not files["w.txt"].mode_changed


def test_ignore_whitespace(server, changed):
    assert _files(server, *changed)["w.txt"].hunks
    plain = _files(server, *changed, ignore_whitespace=True)
    assert "w.txt" not in plain or plain["w.txt"].hunks == []
    assert plain["b.txt"].hunks  # real changes stay


def test_a_root_commit_adds_every_file(server, changed):
    files = _files(server, None, changed[0], renames=True)
    assert {f.operation for f in files.values()} == {"added"}
    assert files["a.txt"].new_mode == "100644" and files["run.sh"].mode_changed is False


def test_parse_hunks_numbers_and_missing_newline():
    text = ("@@ -1,2 +1,2 @@ def f():\n a\n-b\n\\ No newline at end of file\n+c\n"
            "\\ No newline at end of file\n@@ -9 +9,0 @@\n-z\n")
    first, second = parse_hunks(text)
    assert first.section == "def f():"
    assert first.lines == (
        DiffLine("context", 1, 1, "a"),
        DiffLine("deleted", 2, None, "b", no_newline=True),
        DiffLine("added", None, 2, "c", no_newline=True),
    )
    assert (second.old_start, second.old_count, second.new_count) == (9, 1, 0)
    assert second.lines == (DiffLine("deleted", 9, None, "z"),)


def test_a_line_that_looks_like_a_header_stays_in_its_hunk():
    [hunk] = parse_hunks("@@ -1 +1 @@\n--- a\n+++ b\n")
    assert [(l.kind, l.text) for l in hunk.lines] == [("deleted", "-- a"), ("added", "++ b")]
