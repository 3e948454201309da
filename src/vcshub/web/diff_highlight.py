"""Syntax highlighting for the diff renderer: each side of a file's diff (its old lines, its
new lines) lexed as one text with the file's Pygments lexer and cut back into lines of
``(css class, text)`` fragments; web/diff_render.py escapes and marks them.

Lexing and word marks are the costly part of a diff page (Pygments' Python lexer alone: about
0.1–0.3 ms a line), so:
- a page lexes at most ``PAGE_BUDGET`` lines, a file at most ``FILE_MAX_LINES`` and no line
  longer than ``MAX_LINE_CHARS`` (minified code): past those, lines are shown as plain text;
- the renderer keeps a file's finished lines in a :class:`vcshub.web.render_cache.RenderCache` keyed by
  :func:`content_key` (the lexer and the lines themselves). The key is the content, so no
  state of the server can make an entry wrong and no other process needs to know of it.
"""

from __future__ import annotations

import hashlib
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
CACHE_LINES = 200_000  # drawn lines the renderer's cache holds, all entries together

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


def lexer_for(path: str, hunks: Sequence[Hunk], budget: Budget | None = None) -> type[Lexer]:
    """The lexer a file's diff is drawn with: the file name's, or plain text when the file
    is too big, has too long lines, or the page's budget is spent."""
    lexer = _lexer_class(path.rsplit("/", 1)[-1])
    count = sum(len(hunk.lines) for hunk in hunks)
    if (lexer is TextLexer or count > FILE_MAX_LINES
            or any(len(line.text) > MAX_LINE_CHARS for hunk in hunks for line in hunk.lines)
            or not (budget or Budget()).take(count)):
        return TextLexer
    return lexer


def highlighted_sides(lexer: type[Lexer], hunks: Sequence[Hunk]) -> tuple[Fragments, Fragments]:
    """Each side's lines (old: context and deleted, new: context and added) as fragments per
    line, in hunk order."""
    old_lines = [shown(line.text) for hunk in hunks for line in hunk.lines if line.kind != "added"]
    new_lines = [shown(line.text) for hunk in hunks for line in hunk.lines if line.kind != "deleted"]
    if lexer is TextLexer:
        return _plain(old_lines), _plain(new_lines)
    return _lexed(lexer, old_lines), _lexed(lexer, new_lines)


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


def _lexed(lexer: type[Lexer], lines: list[str]) -> Fragments:
    if not lines:
        return []
    return _fragments(lexer(stripnl=False, ensurenl=True), "\n".join(lines) + "\n", len(lines))


def content_key(lexer: type[Lexer], hunks: Sequence[Hunk]) -> tuple[str, bytes]:
    """What a file's drawn lines depend on: the lexer and every line's kind and text."""
    digest = hashlib.blake2b(digest_size=20)
    for hunk in hunks:
        digest.update(b"\0@@")
        for line in hunk.lines:
            digest.update(b"\0" + line.kind[0].encode() + line.text.encode("utf-8", "surrogatepass"))
    return lexer.__name__, digest.digest()


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
