"""Commit (3.7) and node (3.8) objects."""

from __future__ import annotations

import functools

from vcshub import vcs

DETAILS = ("basic", "extended", "full")


def _date(commit: vcs.Commit) -> str | None:
    # vcs dates are naive local time already; format without converting again.
    value = commit.date
    if value.microsecond == 0:
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"


def commit_summary(commit: vcs.Commit) -> dict:
    """The commit without ``diff``: what `last_changeset` shows."""
    return {
        "short_id": commit.short_id,
        "raw_id": commit.raw_id,
        "revision": commit.index,
        "message": commit.message,
        "date": _date(commit),
        "author": commit.author,
        "parents": [{"raw_id": p} for p in commit.parents],
        "branch": commit.branch,
    }


def commit_data(commit: vcs.Commit, details: str = "basic") -> dict:
    data = commit_summary(commit)
    if details == "basic":
        data["diff"] = []
    elif details == "extended":
        data["diff"] = [_change_stub(c) for c in commit.changes(with_diff=False)]
    else:
        data["diff"] = [_change_full(c) for c in commit.changes(with_diff=True)]
        data["refs"] = {
            "branches": [commit.branch] if commit.branch else [],
            "bookmarks": list(commit.bookmarks),
            "tags": list(commit.tags),
        }
    return data


def _change_stub(change: vcs.FileChange) -> dict:
    return {
        "filename": change.path,
        "op": change.op,
        "new_revision": None,
        "old_revision": None,
        "raw_diff": None,
        "stats": {"added": None, "binary": None, "deleted": None},
    }


def _change_full(change: vcs.FileChange) -> dict:
    return {
        "filename": change.path,
        "op": change.op,
        "new_revision": change.new_id,
        "old_revision": change.old_id,
        "raw_diff": change.raw_diff,
        "stats": {
            "added": change.added_lines,
            "binary": change.binary,
            "deleted": change.deleted_lines,
        },
    }


@functools.cache
def _empty_summary() -> dict:
    return commit_summary(vcs.EMPTY_COMMIT)


def empty_summary() -> dict:
    """``last_changeset`` of an empty repository (a fresh copy: callers may change it).

    Built once: listings show it for thousands of repositories.
    """
    return {**_empty_summary(), "parents": []}


def node_data(node: vcs.Node, *, full: bool, max_file_bytes: int | None) -> dict:
    if node.is_dir:
        data = {"name": node.path, "type": "dir", "md5": None, "binary": None,
                "size": None, "extension": None}
        if full:
            data["content"] = None
        return data
    # One computation (often remembered from an earlier listing) gives all content facts.
    facts = node.facts
    data = {
        "name": node.path,
        "type": "file",
        "md5": facts.md5,
        "binary": facts.is_binary,
        "size": facts.size,
        "extension": node.extension,
        "mimetype": node.mimetype,
        "lines": facts.lines,
    }
    if full:
        data["content"] = _text_or_none(node, max_file_bytes)
    return data


FILE_DETAILS = ("minimal", "minimal+search", "basic", "full")


def _text_or_none(node: vcs.Node, max_file_bytes: int | None) -> str | None:
    facts = node.facts
    too_big = max_file_bytes is not None and facts.size > max_file_bytes
    return None if facts.is_binary or too_big else node.content.decode("utf-8", "replace")


def file_data(node: vcs.Node, details: str, max_file_bytes: int | None) -> dict:
    """``get_repo_file``'s node by ``details``: ``minimal`` name and type; ``minimal+search``
    adds what an indexer needs (binary, size and the text); ``basic`` and ``full`` are the
    node object of 3.8 (``full`` with the text). The text is null for a binary file or one
    larger than ``max_file_bytes``."""
    if details in ("basic", "full"):
        return node_data(node, full=details == "full", max_file_bytes=max_file_bytes)
    data = {"name": node.path, "type": "file"}
    if details == "minimal+search":
        data.update(binary=node.facts.is_binary, size=node.facts.size,
                    content=_text_or_none(node, max_file_bytes))
    return data


def fts_entry(node: vcs.Node) -> dict:
    """One file of ``get_repo_fts_tree``."""
    facts = node.facts
    return {"name": node.path, "md5": facts.md5, "extension": node.extension,
            "binary": facts.is_binary, "size": facts.size}
