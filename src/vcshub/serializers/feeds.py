"""A repository's latest commits as RSS 2.0 and Atom (RFC 4287) documents.

Built with ElementTree, so every text is escaped; characters XML 1.0 cannot carry at all
(control characters in a commit message) are dropped.
"""

from __future__ import annotations

import email.utils
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from vcshub.services.repo_contents import Feed, FeedEntry

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TITLE_LIMIT = 100
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_OPS = {"A": "added", "M": "changed", "D": "removed"}

ET.register_namespace("atom", ATOM_NS)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _title(entry: FeedEntry) -> str:
    summary = entry.summary or entry.short_id
    return summary if len(summary) <= TITLE_LIMIT else summary[: TITLE_LIMIT - 1] + "…"


def _description(entry: FeedEntry) -> str:
    """The entry body as HTML: who, where, the full message and the files it touched."""
    name, _address = email.utils.parseaddr(entry.author)
    branch = f" on branch {html.escape(entry.branch)}" if entry.branch else ""
    parts = [
        f"<p>{html.escape(name or entry.author)} committed {entry.short_id}{branch}</p>",
        f"<pre>{html.escape(entry.message.rstrip())}</pre>",
    ]
    if entry.changes:
        items = "".join(
            f"<li>{_OPS.get(op, op)}: {html.escape(path)}</li>" for op, path in entry.changes
        )
        more = f"<li>… and {entry.more_changes} more</li>" if entry.more_changes else ""
        parts.append(f"<ul>{items}{more}</ul>")
    return "".join(parts)


def _document(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def rss(feed: Feed, repo_url: str, self_url: str, commit_url: Callable[[str], str]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", f"{feed.repo_name} commits")
    _sub(channel, "link", repo_url)
    _sub(channel, "description", feed.description or f"Latest commits of {feed.repo_name}")
    _sub(channel, f"{{{ATOM_NS}}}link", href=self_url, rel="self", type="application/rss+xml")
    _sub(channel, "lastBuildDate", email.utils.format_datetime(feed.updated))
    _sub(channel, "generator", "vcshub")
    for entry in feed.entries:
        item = _sub(channel, "item")
        link = commit_url(entry.raw_id)
        _sub(item, "title", _title(entry))
        _sub(item, "link", link)
        _sub(item, "guid", link, isPermaLink="true")
        _sub(item, "pubDate", email.utils.format_datetime(entry.date))
        name, address = email.utils.parseaddr(entry.author)
        if address and "@" in address:
            _sub(item, "author", f"{address} ({name})" if name else address)
        _sub(item, "description", _description(entry))
    return _document(root)


def atom(feed: Feed, repo_url: str, self_url: str, commit_url: Callable[[str], str]) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS})  # the default namespace: plain tags
    _sub(root, "title", f"{feed.repo_name} commits")
    if feed.description:
        _sub(root, "subtitle", feed.description)
    _sub(root, "id", repo_url)
    _sub(root, "link", href=repo_url, rel="alternate")
    _sub(root, "link", href=self_url, rel="self")
    _sub(root, "updated", feed.updated.isoformat())
    _sub(root, "generator", "vcshub")
    for entry in feed.entries:
        element = _sub(root, "entry")
        link = commit_url(entry.raw_id)
        _sub(element, "title", _title(entry))
        _sub(element, "id", link)
        _sub(element, "link", href=link, rel="alternate")
        _sub(element, "updated", entry.date.isoformat())
        author = _sub(element, "author")
        name, address = email.utils.parseaddr(entry.author)
        _sub(author, "name", name or entry.author or "unknown")
        if address and "@" in address:
            _sub(author, "email", address)
        _sub(element, "content", _description(entry), type="html")
    return _document(root)
