"""Syntax highlighting of file contents for the web pages, with Pygments."""

from __future__ import annotations

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name, guess_lexer_for_filename
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(cssclass="highlight", linenos="table")
STYLE = Markup(_FORMATTER.get_style_defs(".highlight"))


def lexer_for(filename: str, text: str, alias: str | None = None) -> Lexer:
    """The lexer named ``alias``, else the one the file name suggests, else plain text."""
    if alias:
        try:
            return get_lexer_by_name(alias)
        except ClassNotFound:
            pass
    try:
        return guess_lexer_for_filename(filename, text)
    except ClassNotFound:
        return TextLexer()


def highlighted(filename: str, text: str, alias: str | None = None) -> Markup:
    """``text`` as highlighted HTML with line numbers (Pygments escapes the content)."""
    return Markup(highlight(text, lexer_for(filename, text, alias), _FORMATTER))
