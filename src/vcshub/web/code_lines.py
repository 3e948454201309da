"""Source code as numbered lines for the file and blame pages: each line highlighted by
Pygments on its own, so that a page can give every line an anchor (``#L12``) and mark ranges.

Pygments' HTML formatter closes every token's ``<span>`` at the end of a line, so its output
splits into self-contained lines. Long files are not highlighted (the lexers are slow on
them) and are cut at MAX_LINES.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter

from vcshub.web.highlight import lexer_for

MAX_LINES = 10_000
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


def split_lines(text: str) -> list[str]:
    """Lines as Pygments and the VCS count them: ``\n``, ``\r\n`` or ``\r`` end a line (not
    the other separators of ``str.splitlines``), a final newline ends the last one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def code_lines(filename: str, text: str) -> CodeLines:
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
