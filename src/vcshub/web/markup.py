"""Markup written by users (READMEs, Markdown and reStructuredText files, comments) turned into
HTML that is safe to put in a page.

Rendering allows what authors expect (raw HTML in Markdown, tables, code blocks); safety comes
after, from one sanitiser (nh3: an allow-list of tags and attributes, no scripts, no event
handlers, no ``javascript:`` URLs), so a renderer's option can never open a hole. Texts above
:data:`RENDER_LIMIT` are not rendered: the caller shows them as plain text.
"""

from __future__ import annotations

import re

import nh3
from docutils.core import publish_parts
from markdown_it import MarkdownIt
from markupsafe import Markup

RENDER_LIMIT = 1_000_000  # characters; a larger README is shown as text, not parsed

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

# nh3's defaults, plus what rendered documents use (tables' alignment, code blocks' language,
# images' size); links to other sites get rel="noopener noreferrer nofollow".
_ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "code": {"class"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    "img": {"src", "alt", "title", "width", "height"},
    "a": {"href", "title", "id", "name"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "div": {"class"}, "span": {"class"},
}
_TAGS = set(nh3.ALLOWED_TAGS) | {"div", "span"}

MARKDOWN_NAMES = re.compile(r"\.(md|markdown|mkd|mdown)$", re.IGNORECASE)
RST_NAMES = re.compile(r"\.(rst|rest)$", re.IGNORECASE)


def sanitised(html: str) -> Markup:
    """``html`` with everything that could run or restyle the site taken out."""
    return Markup(
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            link_rel="noopener noreferrer nofollow",
            url_schemes={"http", "https", "mailto"},
            filter_style_properties={"text-align"},
        )
    )


def markdown(text: str) -> Markup:
    return sanitised(_MARKDOWN.render(text))


def rst(text: str) -> Markup:
    """reStructuredText as HTML. Directives that read files or pass raw HTML through are off
    (``file_insertion_enabled``, ``raw_enabled``), and problems in the text never fail the
    page: docutils reports nothing and halts on nothing."""
    parts = publish_parts(
        text,
        writer_name="html5",
        settings_overrides={
            "file_insertion_enabled": False,
            "raw_enabled": False,
            "doctitle_xform": False,  # the first title stays in the body, as a heading
            "report_level": 5,
            "halt_level": 5,
            "warning_stream": False,
            "syntax_highlight": "none",
            "embed_stylesheet": False,
        },
    )
    return sanitised(parts["body"])


def kind_of(filename: str) -> str | None:
    """"markdown", "rst" or None (not a markup the site renders), by the file's name."""
    if MARKDOWN_NAMES.search(filename):
        return "markdown"
    if RST_NAMES.search(filename):
        return "rst"
    return None


def rendered(filename: str, text: str) -> Markup | None:
    """``text`` rendered by the markup its file name says, or None: not a markup we render, or
    too large to render (the caller shows it as text)."""
    kind = kind_of(filename)
    if kind is None or len(text) > RENDER_LIMIT:
        return None
    return markdown(text) if kind == "markdown" else rst(text)
