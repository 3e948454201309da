"""What the API returns for a repository (REFERENCE.md 4.4) and what a hosted one is on disk."""

from __future__ import annotations

import re
from pathlib import Path

DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?$")
REPO_KEYS = {
    "repo_id", "repo_name", "repo_type", "clone_uri", "url", "private", "created_on",
    "description", "landing_rev", "owner", "fork_of", "enable_statistics", "enable_locking",
    "enable_downloads", "last_changeset", "locked_by", "locked_date", "lock_reason",
}


def is_repository(folder: Path, repo_type: str) -> bool:
    if repo_type == "git":  # created bare
        return (folder / "HEAD").is_file() and (folder / "objects").is_dir()
    return (folder / ".hg").is_dir()


def default_row(repo: dict) -> str:
    [entry] = [m for m in repo["members"] if m["name"] == "default"]
    assert entry["origin"] == "permission" and entry["type"] == "user"
    return entry["permission"]
