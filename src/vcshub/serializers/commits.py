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
        too_big = max_file_bytes is not None and facts.size > max_file_bytes
        data["content"] = (
            None if facts.is_binary or too_big else node.content.decode("utf-8", "replace")
        )
    return data
