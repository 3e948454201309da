"""Markup written by users (READMEs, Markdown and reStructuredText files, comments) turned into
HTML that is safe to put in a page.

Rendering allows what authors expect (raw HTML in Markdown, tables, code blocks); safety comes
after, from one sanitiser (nh3: an allow-list of tags and attributes, no scripts, no event
handlers, no ``javascript:`` URLs), so a renderer's option can never open a hole. Texts above
:data:`RENDER_LIMIT` are not rendered: the caller shows them as plain text.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

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


@dataclass(frozen=True)
class Links:
    """Where a document's relative links lead, as in the repository it is in: ``files`` and
    ``raw`` are the URLs of the files and raw views at its revision (ending in ``/``),
    ``folder`` the document's folder in the tree (``""`` at the root). A link to another file
    opens its files page, an image loads from the raw view; a link that climbs out of the
    repository's tree is dropped."""

    files: str
    raw: str
    folder: str = ""

    def resolve(self, tag: str, value: str) -> str | None:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("/", "#")) or not parts.path:
            return value  # absolute, another site, or a fragment of this document
        path = posixpath.normpath(posixpath.join(self.folder, parts.path))
        if path == ".." or path.startswith("../"):
            return None
        base = self.raw if tag == "img" else self.files
        target = base + quote("" if path == "." else path)
        if parts.query:
            target += "?" + parts.query
        return target + ("#" + parts.fragment if parts.fragment else "")


def sanitised(html: str, links: Links | None = None) -> Markup:
    """``html`` with everything that could run or restyle the site taken out, and relative
    links pointing into the repository when ``links`` says where that is."""

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if attr in ("href", "src"):
            return links.resolve(tag, value)
        return value

    return Markup(
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            link_rel="noopener noreferrer nofollow",
            url_schemes={"http", "https", "mailto"},
            filter_style_properties={"text-align"},
            attribute_filter=attribute_filter if links else None,
        )
    )


def markdown(text: str, links: Links | None = None) -> Markup:
    return sanitised(_MARKDOWN.render(text), links)


def rst(text: str, links: Links | None = None) -> Markup:
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
    return sanitised(parts["body"], links)


def kind_of(filename: str) -> str | None:
    """"markdown", "rst" or None (not a markup the site renders), by the file's name."""
    if MARKDOWN_NAMES.search(filename):
        return "markdown"
    if RST_NAMES.search(filename):
        return "rst"
    return None


def rendered(filename: str, text: str, links: Links | None = None) -> Markup | None:
    """``text`` rendered by the markup its file name says, or None: not a markup we render, or
    too large to render (the caller shows it as text)."""
    kind = kind_of(filename)
    if kind is None or len(text) > RENDER_LIMIT:
        return None
    return markdown(text, links) if kind == "markdown" else rst(text, links)
