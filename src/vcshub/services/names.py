"""Validation of the names users choose: usernames, repository and group paths."""

from __future__ import annotations

import re

from vcshub.services.errors import Invalid

_USERNAME = re.compile(r"^[A-Za-z0-9_][\w.-]{0,254}$", re.ASCII)
RESERVED_USERNAMES = frozenset({"default", "new_user", "anonymous"})

# Path segments that would clash with server URLs or the storage layout.
RESERVED_SEGMENTS = frozenset({"_admin", "static", "login", "logout", "register", "api"})
_SEGMENT = re.compile(r"^[\w][\w.+-]{0,254}$")


def validate_username(username: object) -> str:
    if not isinstance(username, str) or not username:
        raise Invalid("username", "Required")
    if not _USERNAME.match(username):
        raise Invalid(
            "username",
            "may only contain letters, digits, underscores, periods and dashes, "
            "and must begin with a letter, digit or underscore",
        )
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid("username", f"`{username}` is a reserved name")
    return username


def clean_path(field: str, raw: object) -> str:
    """Normalise a repository or group path: drop empty segments (``//a//b/`` → ``a/b``)."""
    if not isinstance(raw, str):
        raise Invalid(field, "Required")
    return "/".join(part for part in raw.strip().split("/") if part.strip())


def validate_path(field: str, path: str) -> str:
    """Refuse traversal, reserved words and odd characters in every segment."""
    if not path:
        raise Invalid(field, "Required")
    for segment in path.split("/"):
        if segment in {".", ".."} or segment.startswith(".") or not _SEGMENT.match(segment):
            raise Invalid(field, f"invalid name segment `{segment}`")
        if segment.lower() in RESERVED_SEGMENTS or segment.startswith("rm__"):
            raise Invalid(field, f"`{segment}` is a reserved name")
        if segment.endswith((".git", ".hg")) and segment != path.split("/")[-1]:
            raise Invalid(field, f"invalid name segment `{segment}`")
    return path
