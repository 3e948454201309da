"""Validation of the names users choose: usernames, user-group names, repository and group paths.

Every pattern is matched against the whole name (``fullmatch``): with ``match`` and ``$`` a
trailing newline slipped through, so ``team\\n/inner`` could sit next to a private
``team/inner`` and look the same on every page.
"""

from __future__ import annotations

import re

from vcshub.services.errors import Invalid

_USERNAME = re.compile(r"[A-Za-z0-9_][\w.-]{0,254}", re.ASCII)
RESERVED_USERNAMES = frozenset({"default", "new_user", "anonymous"})

USER_GROUP_NAME_LIMIT = 255  # width of the column

# Path segments that would clash with server URLs or the storage layout.
RESERVED_SEGMENTS = frozenset({"_admin", "static", "login", "logout", "register", "api"})
_SEGMENT = re.compile(r"[\w][\w.+-]{0,254}")

# The full path of a repository or group fits the name columns. Every level is a group row and
# a folder, and most work walks the levels: past a few dozen they only cost (a name 2,100 levels
# deep took minutes to create while holding the write lock). 32 is far beyond any real layout.
PATH_LIMIT = 1024
DEPTH_LIMIT = 32


def validate_username(username: object) -> str:
    if not isinstance(username, str) or not username:
        raise Invalid("username", "Required")
    if not _USERNAME.fullmatch(username):
        raise Invalid(
            "username",
            "may only contain letters, digits, underscores, periods and dashes, "
            "and must begin with a letter, digit or underscore",
        )
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid("username", f"`{username}` is a reserved name")
    return username


def validate_user_group_name(name: object) -> str:
    """Surrounding spaces are dropped; other invisible characters (newlines, tabs, NUL, ...)
    are refused rather than stripped, so that no two groups can look alike."""
    if not isinstance(name, str) or not name.strip(" "):
        raise Invalid("group_name", "Required")
    name = name.strip(" ")
    if len(name) > USER_GROUP_NAME_LIMIT or "/" in name:
        raise Invalid("group_name", "invalid user group name")
    if not name.isprintable():
        raise Invalid("group_name", f"invalid character in `{shown(name)}`")
    return name


def clean_path(field: str, raw: object) -> str:
    """Normalise a repository or group path: drop empty segments (``//a//b/`` → ``a/b``).

    Only spaces count as empty: a newline or tab stays, for :func:`validate_path` to refuse
    (stripping it would quietly answer for another name).
    """
    if not isinstance(raw, str):
        raise Invalid(field, "Required")
    return "/".join(part for part in raw.strip(" ").split("/") if part.strip(" "))


def validate_path(field: str, path: str) -> str:
    """Refuse over-long and over-deep paths, traversal, reserved words and odd characters."""
    if not path:
        raise Invalid(field, "Required")
    check_path_limits(field, path)  # first: nothing below may run on a huge name
    for segment in path.split("/"):
        if segment in {".", ".."} or segment.startswith(".") or not _SEGMENT.fullmatch(segment):
            raise Invalid(field, f"invalid name segment `{shown(segment)}`")
        if segment.lower() in RESERVED_SEGMENTS or segment.startswith("rm__"):
            raise Invalid(field, f"`{segment}` is a reserved name")
        if segment.endswith((".git", ".hg")) and segment != path.split("/")[-1]:
            raise Invalid(field, f"invalid name segment `{segment}`")
    return path


def check_path_limits(field: str, path: str) -> str:
    """The length and depth limits alone (a group's move checks every name below it)."""
    if len(path) > PATH_LIMIT:
        raise Invalid(field, f"the full path is longer than {PATH_LIMIT} characters")
    if path.count("/") >= DEPTH_LIMIT:
        raise Invalid(field, f"the path is deeper than {DEPTH_LIMIT} levels")
    return path


def shown(name: str) -> str:
    """``name`` with invisible characters escaped (``a\\nb``), for error messages."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
