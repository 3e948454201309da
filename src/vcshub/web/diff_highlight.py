"""Syntax highlighting for the diff renderer: each side of a file's diff (its old lines, its
new lines) lexed as one text with the file's Pygments lexer and cut back into lines of
``(css class, text)`` fragments; web/diff_render.py escapes and marks them.

Lexing is the costly part of a diff page (Pygments' Python lexer: about 0.1–0.3 ms a line), so:
- results are kept in a small in-process cache keyed by the lexer and a hash of the text.
  The key is the content itself, so no state of the server can make an entry wrong and no
  other process needs to know of it (a commit's diff never changes; a comparison's text that
  changes is another key);
- a page lexes at most ``PAGE_BUDGET`` lines, a file at most ``FILE_MAX_LINES`` and no line
  longer than ``MAX_LINE_CHARS`` (minified code): past those, lines are shown as plain text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

from vcshub.vcs.diffs import Hunk

FILE_MAX_LINES = 20_000
MAX_LINE_CHARS = 2_000
PAGE_BUDGET = 30_000  # lines lexed for one page, all files together
CACHE_LINES = 300_000  # lines of fragments the cache holds, all entries together

Fragments = list[list[tuple[str, str]]]


class Budget:
    """How many more lines one page may lex (the renderer makes one per page)."""

    def __init__(self, lines: int = PAGE_BUDGET) -> None:
        self.lines = lines

    def take(self, count: int) -> bool:
        if count > self.lines:
            return False
        self.lines -= count
        return True


def highlighted_sides(path: str, hunks: Sequence[Hunk], budget: Budget | None = None
                      ) -> tuple[Fragments, Fragments]:
    """Each side's lines (old: context and deleted, new: context and added) as fragments per
    line, in hunk order."""
    old_lines = [shown(line.text) for hunk in hunks for line in hunk.lines if line.kind != "added"]
    new_lines = [shown(line.text) for hunk in hunks for line in hunk.lines if line.kind != "deleted"]
    count = len(old_lines) + len(new_lines)
    lexer = _lexer_class(path.rsplit("/", 1)[-1])
    if (count > FILE_MAX_LINES or lexer is TextLexer
            or any(len(text) > MAX_LINE_CHARS for text in old_lines)
            or any(len(text) > MAX_LINE_CHARS for text in new_lines)
            or not (budget or Budget()).take(count)):
        return _plain(old_lines), _plain(new_lines)
    return _cached(lexer, old_lines), _cached(lexer, new_lines)


def shown(text: str) -> str:
    """A line as drawn: Pygments takes ``\\r`` for a line end, so a CRLF line's last ``\\r``
    is dropped and a lone one shown as ␍ (line numbers must not shift)."""
    if "\r" in text:
        text = text.removesuffix("\r").replace("\r", "\u240d")
    return text


def _plain(lines: list[str]) -> Fragments:
    return [[("", text)] if text else [] for text in lines]


@lru_cache(maxsize=512)
def _lexer_class(name: str) -> type[Lexer]:
    try:
        return type(get_lexer_for_filename(name))
    except ClassNotFound:
        return TextLexer


@lru_cache(maxsize=1024)
def _css_class(token_type: _TokenType) -> str:
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return STANDARD_TYPES[token_type]


class _Cache:
    """Least recently used fragments, bounded by their total number of lines; shared by the
    server's worker threads."""

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self.lines = 0
        self.entries: OrderedDict[tuple[str, bytes], Fragments] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, bytes]) -> Fragments | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, bytes], value: Fragments) -> None:
        if len(value) > self.max_lines:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.lines += len(value)
            while self.lines > self.max_lines:
                _key, dropped = self.entries.popitem(last=False)
                self.lines -= len(dropped)


_CACHE = _Cache(CACHE_LINES)


def _cached(lexer: type[Lexer], lines: list[str]) -> Fragments:
    """The fragments of ``lines``; callers read them, never change them (they are shared)."""
    if not lines:
        return []
    text = "\n".join(lines) + "\n"
    key = (lexer.__name__, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest())
    found = _CACHE.get(key)
    if found is None:
        found = _fragments(lexer(stripnl=False, ensurenl=True), text, len(lines))
        _CACHE.put(key, found)
    return found


def _fragments(lexer: Lexer, text: str, count: int) -> Fragments:
    """The lexer's tokens over the whole text, cut back into one list per line."""
    out: Fragments = [[]]
    for token_type, value in lexer.get_tokens(text):
        css = _css_class(token_type)
        if "\n" not in value:
            out[-1].append((css, value))
            continue
        for number, piece in enumerate(value.split("\n")):
            if number:
                out.append([])
            if piece:
                out[-1].append((css, piece))
    return out[:count] + [[] for _ in range(count - len(out))]
