"""The diff renderer (web/diff_render.py) on hand-made hunks: line numbers, side-by-side
pairing, word marks, escaping, renames, inline comments. No server: it is pure."""

from __future__ import annotations

import datetime as dt
import re
import time
from html import unescape

from vcshub.services.repo_contents import CommentRecord, DiffFile
from vcshub.vcs.diffs import parse_hunks
from vcshub.web.diff_render import SIDE_BY_SIDE, render_files, word_changes

HUNKS = """\
@@ -10,4 +10,5 @@ def handler():
 keep = 1
-value = compute(a, b)
-gone = True
+value = compute(a, c)
+added = 2
+more = 3
 tail = 4
@@ -40,2 +41,2 @@
-x = "<script>alert(1)</script>"
+x = "<script>alert(2)</script>"
 end
"""


def diff_file(text: str = HUNKS, path: str = "mod.py", **fields) -> DiffFile:
    hunks = tuple(parse_hunks(text))
    values = dict(old_path=path, new_path=path, operation="modified", binary=False,
                  old_mode=None, new_mode=None, similarity=None,
                  added_lines=sum(1 for h in hunks for line in h.lines if line.kind == "added"),
                  deleted_lines=sum(1 for h in hunks for line in h.lines if line.kind == "deleted"),
                  hunks=hunks)
    values.update(fields)
    return DiffFile(**values)


def plain(markup) -> str:
    return unescape(re.sub(r"<[^>]+>", "", str(markup)))


def test_unified_rows_carry_each_side_line_number():
    first, second = render_files([diff_file()])[0].hunks
    assert first.header == "@@ -10,4 +10,5 @@ def handler():"
    assert [(row.kind, row.old, row.new) for row in first.rows] == [
        ("context", 10, 10), ("deleted", 11, None), ("deleted", 12, None),
        ("added", None, 11), ("added", None, 12), ("added", None, 13), ("context", 13, 14),
    ]
    assert [plain(row.html) for row in first.rows] == [
        "keep = 1", "value = compute(a, b)", "gone = True", "value = compute(a, c)",
        "added = 2", "more = 3", "tail = 4",
    ]
    assert [(row.old, row.new) for row in second.rows] == [(40, None), (None, 41), (41, 42)]


def test_side_by_side_pairs_deleted_with_added_lines_and_pads_the_rest():
    pairs = render_files([diff_file()], SIDE_BY_SIDE)[0].hunks[0].rows

    def side(cell):
        return None if cell is None else (cell.kind, cell.number, plain(cell.html))

    assert [(side(p.left), side(p.right)) for p in pairs] == [
        (("context", 10, "keep = 1"), ("context", 10, "keep = 1")),
        (("deleted", 11, "value = compute(a, b)"), ("added", 11, "value = compute(a, c)")),
        (("deleted", 12, "gone = True"), ("added", 12, "added = 2")),
        (None, ("added", 13, "more = 3")),
        (("context", 13, "tail = 4"), ("context", 14, "tail = 4")),
    ]


def test_only_the_changed_word_is_marked_and_markup_in_a_line_is_escaped():
    hunks = render_files([diff_file()])[0].hunks
    deleted, added = hunks[0].rows[1].html, hunks[0].rows[3].html
    assert re.findall(r"<del>(.*?)</del>", deleted) == ['<span class="n">b</span>']
    assert re.findall(r"<ins>(.*?)</ins>", added) == ['<span class="n">c</span>']
    script_old, script_new = hunks[1].rows[0].html, hunks[1].rows[1].html
    for html in (script_old, script_new):
        assert "<script>" not in html and "&lt;script&gt;" in html
    assert plain(script_new) == 'x = "<script>alert(2)</script>"'
    assert "<ins>" in script_new and plain(re.search(r"<ins>.*?</ins>", script_new).group()) == "2"


def test_lines_sharing_little_get_no_word_marks():
    assert word_changes("completely different", "nothing alike at all here") == ([], [])
    assert word_changes("a = 1", "a = 2") == ([(4, 5)], [(4, 5)])


def test_markup_in_a_plain_text_file_is_escaped_too():
    text = "@@ -1 +1 @@\n-<b>&amp;</b>\n+<i>&</i>\n"
    rows = render_files([diff_file(text, path="notes.unknownext")])[0].hunks[0].rows
    for row, line in zip(rows, ("<b>&amp;</b>", "<i>&</i>")):
        assert plain(row.html) == line
        # no tag but the renderer's own: the line's text is all escaped
        assert not re.search(r"[<>]", re.sub(r'</?(del|ins|span)( class="[a-z0-9]*")?>', "", row.html))


def test_a_rename_says_renamed_from_to():
    view = render_files([diff_file(old_path="old/name.py", new_path="new/name.py",
                                   operation="renamed", similarity=90)])[0]
    assert view.title == "renamed old/name.py → new/name.py"
    copied = render_files([diff_file(old_path="a.py", new_path="b.py", operation="copied")])[0]
    assert copied.title == "copied a.py → b.py"


def test_files_left_out_for_size_and_binaries_have_no_hunks():
    left_out, binary = render_files([diff_file(hunks=None),
                                     diff_file(binary=True, hunks=(), path="x.bin")])
    assert left_out.too_large and left_out.hunks is None
    assert not binary.too_large and binary.hunks == []


def test_big_files_start_folded():
    lines = "".join(f"+line {n}\n" for n in range(600))
    view = render_files([diff_file(f"@@ -0,0 +1,600 @@\n{lines}", path="big.txt")])[0]
    assert view.collapsed and len(view.hunks[0].rows) == 600
    assert not render_files([diff_file()])[0].collapsed


def test_comments_land_on_their_line_and_side():
    def comment(side, line, path="mod.py"):
        return CommentRecord(1, "ann", "text", "note", dt.datetime.now(dt.UTC), path, side, line)

    on_new, on_old, elsewhere = comment("new", 12), comment("old", 40), comment("new", 12, "other.py")
    rows = [row for hunk in render_files([diff_file()], comments=[on_new, on_old, elsewhere])[0].hunks
            for row in hunk.rows]
    assert [(row.old, row.new) for row in rows if row.comments == (on_new,)] == [(None, 12)]
    assert [(row.old, row.new) for row in rows if row.comments == (on_old,)] == [(40, None)]
    pairs = render_files([diff_file()], SIDE_BY_SIDE, comments=[on_new])[0].hunks[0].rows
    assert [p.right.number for p in pairs if p.comments] == [12]


def test_a_crlf_line_keeps_the_numbering():
    text = "@@ -1,2 +1,2 @@\n-a\r\n+b\r\n c\r\n"
    rows = render_files([diff_file(text, path="win.txt")])[0].hunks[0].rows
    assert [(row.old, row.new, plain(row.html)) for row in rows] == [
        (1, None, "a"), (None, 1, "b"), (2, 2, "c")]


def test_two_thousand_changed_lines_render_once():
    """A 2,000-line change is highlighted and word-marked once: drawing it again takes its
    lines from the cache (the same objects). The cost is printed; benchmarks/diff_page.py
    measures the page."""
    old = "".join(f"-    result_{n} = compute(alpha, beta, {n})  # note\n" for n in range(1000))
    new = "".join(f"+    result_{n} = compute(alpha, gamma, {n})  # note\n" for n in range(1000))
    big = diff_file(f"@@ -1,1000 +1,1000 @@\n{old}{new}", path="big.py")
    started = time.perf_counter()
    rows = render_files([big])[0].hunks[0].rows
    elapsed = time.perf_counter() - started
    print(f"\n2,000-line diff rendered in {elapsed * 1000:.0f} ms")
    assert len(rows) == 2000 and all("<ins>" in str(r.html) for r in rows[1000:])
    again = render_files([big])[0].hunks[0].rows
    assert all(a.html is b.html for a, b in zip(rows, again))
    sidebyside = render_files([big], SIDE_BY_SIDE)[0].hunks[0].rows
    assert [p.right.html for p in sidebyside] == [r.html for r in rows[1000:]]
