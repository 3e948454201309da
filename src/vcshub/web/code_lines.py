"""Source code as numbered lines for the file and blame pages: each line highlighted by
Pygments on its own, so that a page can give every line an anchor (``#L12``) and mark ranges.

Pygments' HTML formatter closes every token's ``<span>`` at the end of a line, so its output
splits into self-contained lines. Long files are not highlighted and are cut at MAX_LINES.

Highlighting costs about 0.1 ms of CPU per line (0.5 s for a 5,000-line Python file), so the
lines of recently shown texts are kept, keyed by file name and the text's digest (what they
are made from never changes), up to CACHE_CHARACTERS of HTML per process: the file page, its
blame and the next visitor pay once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter

from vcshub.web.highlight import lexer_for
from vcshub.web.render_cache import MISSING, RenderCache

MAX_LINES = 10_000
CACHE_CHARACTERS = 64_000_000
_FORMATTER = HtmlFormatter(nowrap=True)


@dataclass(frozen=True)
class CodeLines:
    """The lines to show (``Markup`` each), whether they are highlighted, and how many lines
    the whole text has (more than shown when cut)."""

    lines: list[Markup]
    highlighted: bool
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.lines)

    @cached_property
    def rows(self) -> Markup:
        """The table rows of templates/code_lines.html: ``<tr id="L<n>">``, the number a link
        to ``#L<n>``, then the line. Made here, once per cached text: a Jinja loop escaping
        three numbers per row costs about 20 ms per 1,000 lines (the lines are Markup
        already, the numbers need no escaping)."""
        return Markup("".join(
            f'<tr id="L{n}"><td class="num"><a href="#L{n}">{n}</a></td>'
            f'<td class="text">{line}</td></tr>\n'
            for n, line in enumerate(self.lines, 1)
        ))


def split_lines(text: str) -> list[str]:
    """Lines as Pygments and the VCS count them: ``\n``, ``\r\n`` or ``\r`` end a line (not
    the other separators of ``str.splitlines``), a final newline ends the last one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


_cache = RenderCache(CACHE_CHARACTERS)


def code_lines(filename: str, text: str) -> CodeLines:
    key = (filename, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest())
    code = _cache.get(key)
    if code is MISSING:
        code = _made(filename, text)
        _cache.put(key, code, sum(len(line) for line in code.lines) + 1)
    return code


def _made(filename: str, text: str) -> CodeLines:
    raw = split_lines(text)
    if len(raw) > MAX_LINES:
        return CodeLines([escape(line) for line in raw[:MAX_LINES]], False, len(raw))
    lexer = lexer_for(filename, text)
    lexer.stripnl = lexer.stripall = False  # leading blank lines count: line numbers must match
    html = highlight(text, lexer, _FORMATTER)
    lines = [Markup(line) for line in html.split("\n")]
    # Pygments ends its output with a newline (and may drop or add a trailing empty line):
    # the text's own line count decides.
    lines = (lines + [Markup("")] * len(raw))[: len(raw)]
    return CodeLines(lines, True, len(raw))
