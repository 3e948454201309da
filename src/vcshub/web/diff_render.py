"""The diff renderer: turns the read service's structured diff (``DiffFile`` with its hunks of
``DiffLine``) into what the ``diff.html`` macros draw, for the changeset, compare and (next
issue) review pages.

Per file: the hunks as unified rows or side-by-side pairs, each line highlighted with the
file's lexer and, for a deleted line paired with an added one, the differing words marked.
Highlighting (web/diff_highlight.py) is done once per side of a file and cut back into lines.
Every character of a line is escaped here, once (the lines are Markup for the templates).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import zip_longest

from markupsafe import Markup

from vcshub.services.repo_contents import CommentRecord, DiffFile
from vcshub.vcs.diffs import DiffLine
from vcshub.web.diff_highlight import (
    CACHE_LINES,
    Budget,
    content_key,
    highlighted_sides,
    lexer_for,
    shown,
)
from vcshub.web.render_cache import MISSING, RenderCache

UNIFIED, SIDE_BY_SIDE = "unified", "sideside"  # RhodeCode's ?diffmode= values
COLLAPSE_LINES = 500  # a file with more changed lines than this starts folded
WORD_DIFF_MAX_CHARS = 1_000  # longer paired lines are not compared word by word
WORD_DIFF_MIN_SAME = 0.4  # below this share of unchanged characters, marking words is noise

_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Cell:
    """One side of a line: its number on that side and its HTML (escaped, highlighted)."""

    kind: str  # "context", "added" or "deleted"
    number: int | None
    html: Markup


@dataclass(frozen=True)
class Row:
    """A unified-view line, with the comments made on it."""

    kind: str
    old: int | None
    new: int | None
    html: Markup
    comments: tuple[CommentRecord, ...] = ()


@dataclass(frozen=True)
class Pair:
    """A side-by-side line: ``left`` from the old file, ``right`` from the new (None: blank)."""

    left: Cell | None
    right: Cell | None
    comments: tuple[CommentRecord, ...] = ()


@dataclass(frozen=True)
class HunkView:
    header: str
    rows: list[Row] | list[Pair]


@dataclass(frozen=True)
class FileView:
    """A file of the diff ready to draw. ``hunks`` is None when the service left its text out
    for size (the page links the raw diff); binaries and pure mode changes have no hunks."""

    file: DiffFile
    anchor: str
    hunks: list[HunkView] | None
    collapsed: bool
    comments: tuple[CommentRecord, ...] = field(default=())  # on this file, inline or not

    @property
    def too_large(self) -> bool:
        return self.hunks is None and not self.file.binary

    @property
    def title(self) -> str:
        """"renamed a → b", "copied a → b", or the operation and the path."""
        f = self.file
        if f.operation in ("renamed", "copied") and f.old_path and f.new_path:
            return f"{f.operation} {f.old_path} → {f.new_path}"
        return f"{f.operation} {f.path}"


def render_files(files: Sequence[DiffFile], mode: str = UNIFIED,
                 comments: Iterable[CommentRecord] = ()) -> list[FileView]:
    """Every file of a diff drawn in ``mode`` (unified or side by side); ``comments`` with a
    file and line are placed on their line when it is shown."""
    by_path: dict[str, list[CommentRecord]] = {}
    for comment in comments:
        if comment.f_path:
            by_path.setdefault(comment.f_path, []).append(comment)
    views = []
    budget = Budget()
    for index, diff_file in enumerate(files, 1):
        on_file = tuple(by_path.get(diff_file.path, ()))
        hunks = None
        if diff_file.hunks is not None:
            hunks = _hunk_views(diff_file, mode, _placed(on_file), budget)
        changed = diff_file.added_lines + diff_file.deleted_lines
        views.append(FileView(diff_file, f"file-{index}", hunks, changed > COLLAPSE_LINES, on_file))
    return views


def placed_ids(views: Iterable[FileView]) -> set[int]:
    """The ids of the comments drawn under a line of ``views`` (the others are drawn only in
    the page's list)."""
    found: set[int] = set()
    for view in views:
        if view.comments and view.hunks:
            for hunk in view.hunks:
                for row in hunk.rows:
                    found.update(comment.comment_id for comment in row.comments)
    return found


def _placed(comments: Sequence[CommentRecord]) -> dict[tuple[str, int], tuple[CommentRecord, ...]]:
    placed: dict[tuple[str, int], list[CommentRecord]] = {}
    for comment in comments:
        if comment.inline:
            placed.setdefault((comment.side, comment.line), []).append(comment)
    return {key: tuple(value) for key, value in placed.items()}


_DRAWN = RenderCache(CACHE_LINES)


def _drawn_lines(diff_file: DiffFile, budget: Budget) -> list[list[Markup]]:
    """Every hunk's lines as HTML (highlighted, words marked), from the cache when the same
    lines were drawn with the same lexer before."""
    lexer = lexer_for(diff_file.path, diff_file.hunks, budget)
    key = content_key(lexer, diff_file.hunks)
    drawn = _DRAWN.get(key)
    if drawn is MISSING:
        old_side, new_side = (iter(side) for side in highlighted_sides(lexer, diff_file.hunks))
        drawn = []
        for hunk in diff_file.hunks:
            cells = [_cell(hunk_line, old_side, new_side) for hunk_line in hunk.lines]
            _mark_words(hunk.lines, cells)
            drawn.append(_joined(cells, hunk.lines))
        _DRAWN.put(key, drawn, sum(len(lines) for lines in drawn))
    return drawn


def _hunk_views(diff_file: DiffFile, mode: str,
                placed: dict[tuple[str, int], tuple[CommentRecord, ...]],
                budget: Budget) -> list[HunkView]:
    views = []
    for hunk, html in zip(diff_file.hunks, _drawn_lines(diff_file, budget)):
        header = f"@@ -{hunk.old_start},{hunk.old_count} +{hunk.new_start},{hunk.new_count} @@"
        if hunk.section:
            header += " " + hunk.section
        rows = _pairs(hunk.lines, html, placed) if mode == SIDE_BY_SIDE else [
            Row(line.kind, line.old, line.new, cell_html, _comments_on(line, placed))
            for line, cell_html in zip(hunk.lines, html)
        ]
        views.append(HunkView(header, rows))
    return views


# -- lines, pairs, words -----------------------------------------------------------------------

@dataclass
class _Cell:
    text: str
    fragments: list[tuple[str, str]]
    marks: list[tuple[int, int]] = field(default_factory=list)  # changed character ranges


def _cell(line: DiffLine, old_side: Iterator[list], new_side: Iterator[list]) -> _Cell:
    """The line's fragments, taken in order from its side; a context line is on both sides
    (drawn from the new one)."""
    if line.kind == "deleted":
        return _Cell(shown(line.text), next(old_side))
    if line.kind == "context":
        next(old_side)
    return _Cell(shown(line.text), next(new_side))


def _runs(lines: Sequence[DiffLine]) -> Iterator[tuple[int | None, list[int], list[int]]]:
    """The lines in order, as runs: ``(i, [], [])`` for the context line ``i``, or
    ``(None, deleted, added)``: the indexes of a run of deleted lines and of the added lines
    right after it."""
    index = 0
    while index < len(lines):
        if lines[index].kind == "context":
            yield index, [], []
            index += 1
            continue
        deleted: list[int] = []
        added: list[int] = []
        while index < len(lines) and lines[index].kind == "deleted":
            deleted.append(index)
            index += 1
        while index < len(lines) and lines[index].kind == "added":
            added.append(index)
            index += 1
        yield None, deleted, added


def _change_blocks(lines: Sequence[DiffLine]) -> Iterator[tuple[list[int], list[int]]]:
    """Indexes of each run of deleted lines and of the added lines right after it."""
    return ((deleted, added) for context, deleted, added in _runs(lines) if context is None)


def _mark_words(lines: Sequence[DiffLine], cells: list[_Cell]) -> None:
    """Pair the n-th deleted line of a change with its n-th added line and mark the words
    that differ on each (SequenceMatcher over word, space and punctuation tokens)."""
    for deleted, added in _change_blocks(lines):
        for old_index, new_index in zip(deleted, added):
            old, new = cells[old_index], cells[new_index]
            if max(len(old.text), len(new.text)) > WORD_DIFF_MAX_CHARS or old.text == new.text:
                continue
            old.marks, new.marks = word_changes(old.text, new.text)


def word_changes(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges that differ between two lines, on each; none when the lines
    share too little for marks to help."""
    old_tokens, new_tokens = _WORDS.findall(old), _WORDS.findall(new)
    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_marks: list[tuple[int, int]] = []
    new_marks: list[tuple[int, int]] = []
    same = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same += old_at[i2] - old_at[i1]
            continue
        if i2 > i1:
            old_marks.append((old_at[i1], old_at[i2]))
        if j2 > j1:
            new_marks.append((new_at[j1], new_at[j2]))
    if same < WORD_DIFF_MIN_SAME * max(len(old), len(new), 1):
        return [], []
    return old_marks, new_marks


def _offsets(tokens: list[str]) -> list[int]:
    at = [0]
    for token in tokens:
        at.append(at[-1] + len(token))
    return at


def _html(cell: _Cell, tag: str) -> Markup:
    """The line's HTML: highlighted fragments, the marked ranges wrapped in ``tag``
    (``del`` or ``ins``); every piece of text escaped."""
    marks = cell.marks
    if not marks:  # most lines: no cutting
        return Markup("".join(f'<span class="{css}">{escape(text, False)}</span>' if css
                              else escape(text, False) for css, text in cell.fragments))
    out: list[str] = []
    position = 0
    mark = 0
    for css, text in cell.fragments:
        end = position + len(text)
        while text:
            while mark < len(marks) and marks[mark][1] <= position:
                mark += 1
            if mark < len(marks) and marks[mark][0] <= position:
                cut, marked = min(end, marks[mark][1]), True
            else:
                cut, marked = (min(end, marks[mark][0]) if mark < len(marks) else end), False
            piece, text = text[: cut - position], text[cut - position:]
            span = f'<span class="{css}">{escape(piece, False)}</span>' if css else escape(piece, False)
            out.append(f"<{tag}>{span}</{tag}>" if marked else span)
            position = cut
    return Markup("".join(out))


_TAGS = {"deleted": "del", "added": "ins", "context": "span"}


def _joined(cells: list[_Cell], lines: Sequence[DiffLine]) -> list[Markup]:
    return [_html(cell, _TAGS[line.kind]) for cell, line in zip(cells, lines)]


def _comments_on(line: DiffLine, placed: dict) -> tuple[CommentRecord, ...]:
    if not placed:
        return ()
    found = ()
    if line.new is not None:
        found += placed.get(("new", line.new), ())
    if line.old is not None:
        found += placed.get(("old", line.old), ())
    return found


def _pairs(lines: Sequence[DiffLine], html: list[Markup], placed: dict) -> list[Pair]:
    """Side-by-side rows: context on both sides; in a change, the n-th deleted line beside
    the n-th added one, the longer run against blanks."""
    pairs: list[Pair] = []
    for context, deleted, added in _runs(lines):
        if context is not None:
            line = lines[context]
            pairs.append(Pair(Cell("context", line.old, html[context]),
                              Cell("context", line.new, html[context]),
                              _comments_on(line, placed)))
            continue
        for old_index, new_index in zip_longest(deleted, added):
            left = right = None
            found: tuple[CommentRecord, ...] = ()
            if old_index is not None:
                left = Cell("deleted", lines[old_index].old, html[old_index])
                found += _comments_on(lines[old_index], placed)
            if new_index is not None:
                right = Cell("added", lines[new_index].new, html[new_index])
                found += _comments_on(lines[new_index], placed)
            pairs.append(Pair(left, right, found))
    return pairs
