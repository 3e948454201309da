"""Feeds as RSS 2.0 and Atom (RFC 4287) documents: a repository's latest commits
(:func:`rss`, :func:`atom`) and any list of :class:`Item` (the journal's feeds).

Built with ElementTree, so every text is escaped; characters XML 1.0 cannot carry at all
(control characters in a commit message) are dropped.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Channel:
    """What a feed document says about itself."""

    title: str
    link: str  # the page the feed is about
    self_url: str  # the feed's own URL
    description: str
    updated: dt.datetime  # aware


@dataclass(frozen=True)
class Item:
    """One entry of any feed: ``html`` is its body (escaped by the caller); ``guid`` defaults
    to ``link`` (then a permalink)."""

    title: str
    link: str
    date: dt.datetime  # aware
    html: str
    author: str  # "Name <address>" or a plain name
    guid: str | None = None


def rss_document(channel: Channel, items: list[Item]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    element = _sub(root, "channel")
    _sub(element, "title", channel.title)
    _sub(element, "link", channel.link)
    _sub(element, "description", channel.description)
    _sub(element, f"{{{ATOM_NS}}}link", href=channel.self_url, rel="self",
         type="application/rss+xml")
    _sub(element, "lastBuildDate", email.utils.format_datetime(channel.updated))
    _sub(element, "generator", "vcshub")
    for entry in items:
        item = _sub(element, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.link)
        guid = entry.guid or entry.link
        _sub(item, "guid", guid, isPermaLink="true" if guid == entry.link else "false")
        _sub(item, "pubDate", email.utils.format_datetime(entry.date))
        name, address = email.utils.parseaddr(entry.author)
        if address and "@" in address:
            _sub(item, "author", f"{address} ({name})" if name else address)
        _sub(item, "description", entry.html)
    return _document(root)


def atom_document(channel: Channel, items: list[Item]) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS})  # the default namespace: plain tags
    _sub(root, "title", channel.title)
    if channel.description:
        _sub(root, "subtitle", channel.description)
    _sub(root, "id", channel.link)
    _sub(root, "link", href=channel.link, rel="alternate")
    _sub(root, "link", href=channel.self_url, rel="self")
    _sub(root, "updated", channel.updated.isoformat())
    _sub(root, "generator", "vcshub")
    for entry in items:
        element = _sub(root, "entry")
        _sub(element, "title", entry.title)
        _sub(element, "id", entry.guid or entry.link)
        _sub(element, "link", href=entry.link, rel="alternate")
        _sub(element, "updated", entry.date.isoformat())
        author = _sub(element, "author")
        name, address = email.utils.parseaddr(entry.author)
        _sub(author, "name", name or entry.author or "unknown")
        if address and "@" in address:
            _sub(author, "email", address)
        _sub(element, "content", entry.html, type="html")
    return _document(root)


def _commit_items(feed: Feed, commit_url: Callable[[str], str]) -> list[Item]:
    return [Item(_title(e), commit_url(e.raw_id), e.date, _description(e), e.author)
            for e in feed.entries]


def rss(feed: Feed, repo_url: str, self_url: str, commit_url: Callable[[str], str]) -> bytes:
    channel = Channel(f"{feed.repo_name} commits", repo_url, self_url,
                      feed.description or f"Latest commits of {feed.repo_name}", feed.updated)
    return rss_document(channel, _commit_items(feed, commit_url))


def atom(feed: Feed, repo_url: str, self_url: str, commit_url: Callable[[str], str]) -> bytes:
    channel = Channel(f"{feed.repo_name} commits", repo_url, self_url, feed.description,
                      feed.updated)
    return atom_document(channel, _commit_items(feed, commit_url))
