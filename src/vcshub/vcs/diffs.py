"""Parsing of git-style unified diffs, shared by both backends.

Both git and Mercurial (with ``git=True``) emit the same format, so the
per-file split and the +/- line statistics live here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIFF_HEADER = "diff --git "
_OCTAL_ESCAPE = re.compile(r"[0-7]{3}")
_C_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a",
              "b": "\b", "f": "\f", "r": "\r", "v": "\v"}


@dataclass
class FileDiff:
    """The diff of one file cut out of a multi-file diff."""

    old_path: str | None  # None when the file is added
    new_path: str | None  # None when the file is deleted
    text: str
    added_lines: int = 0
    deleted_lines: int = 0
    binary: bool = False

    @property
    def path(self) -> str:
        """The path the file has after the change (or had, if deleted)."""
        return self.new_path or self.old_path or ""


def unquote_path(raw: str) -> str:
    """Undo git's C-style quoting of paths with special characters."""
    if not (len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"'):
        return raw
    body = raw[1:-1]
    # Octal escapes encode UTF-8 bytes one by one, so rebuild bytes first.
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            octal = body[i + 1:i + 4]
            if _OCTAL_ESCAPE.fullmatch(octal):
                out.append(int(octal, 8))
                i += 4
                continue
            out += _C_ESCAPES.get(body[i + 1], body[i + 1]).encode()
            i += 2
            continue
        out += ch.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _strip_prefix(path: str) -> str | None:
    path = unquote_path(path.rstrip("\t"))
    if path == "/dev/null":
        return None
    if path[:2] in ("a/", "b/"):
        return path[2:]
    return path


def _header_paths(header: str) -> tuple[str, str]:
    """Split "a/x b/x" from a ``diff --git`` line; the two halves are the
    same when there is no rename, which lets paths contain spaces."""
    rest = header[len(_DIFF_HEADER):]
    if rest.startswith('"'):
        end = rest.index('"', 1)
        while rest[end - 1] == "\\":
            end = rest.index('"', end + 1)
        return rest[:end + 1], rest[end + 2:]
    half = (len(rest) - 1) // 2
    if rest[half] == " " and rest[2:half] == rest[half + 3:]:
        return rest[:half], rest[half + 1:]
    left, _sep, right = rest.partition(" b/")
    return left, "b/" + right


def _parse_section(lines: list[str]) -> FileDiff:
    left, right = _header_paths(lines[0].rstrip("\n"))
    old_path, new_path = _strip_prefix(left), _strip_prefix(right)
    added = deleted = 0
    binary = False
    in_hunk = False
    for line in lines[1:]:
        if in_hunk:
            if line.startswith("+"):
                added += 1
                continue
            if line.startswith("-"):
                deleted += 1
                continue
            if line.startswith((" ", "\\")) or line in ("\n", ""):
                continue
        in_hunk = False
        if line.startswith("@@"):
            in_hunk = True
        elif line.startswith("new file mode"):
            old_path = None
        elif line.startswith("deleted file mode"):
            new_path = None
        elif line.startswith("--- "):
            old_path = _strip_prefix(line[4:].rstrip("\n"))
        elif line.startswith("+++ "):
            new_path = _strip_prefix(line[4:].rstrip("\n"))
        elif line.startswith(("Binary file", "GIT binary patch")):
            binary = True
    return FileDiff(old_path, new_path, "".join(lines), added, deleted, binary)


def split_diff(text: str) -> list[FileDiff]:
    """Cut a multi-file git-style diff into per-file pieces with stats."""
    sections: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith(_DIFF_HEADER):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return [_parse_section(section) for section in sections]
