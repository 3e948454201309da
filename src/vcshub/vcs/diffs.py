"""Parsing of git-style unified diffs, shared by both backends.

Both git and Mercurial (with ``git=True``) emit the same format, so the
per-file split, the +/- line statistics, the extended headers (renames, copies, modes) and
the hunks with their line numbers (what a diff renderer draws) live here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_DIFF_HEADER = "diff --git "
_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")
_LINE_KINDS = {"+": "added", "-": "deleted", " ": "context"}
_OCTAL_ESCAPE = re.compile(r"[0-7]{3}")
_C_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a",
              "b": "\b", "f": "\f", "r": "\r", "v": "\v"}


@dataclass(frozen=True)
class DiffLine:
    """One line of a hunk; ``old``/``new`` are its numbers on each side (None where it is not
    there: an added line has no old number). ``no_newline``: the file ends without one here."""

    kind: str  # "context", "added" or "deleted"
    old: int | None
    new: int | None
    text: str
    no_newline: bool = False


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str  # what follows the second @@ (a function name, when the tool found one)
    lines: tuple[DiffLine, ...]


class PathAndMode:
    """What a file diff says of its paths and modes, for any record with ``old_path``,
    ``new_path``, ``old_mode`` and ``new_mode``."""

    old_path: str | None
    new_path: str | None
    old_mode: str | None
    new_mode: str | None

    @property
    def path(self) -> str:
        """The path the file has after the change (or had, if deleted)."""
        return self.new_path or self.old_path or ""

    @property
    def mode_changed(self) -> bool:
        return self.old_mode is not None and self.new_mode is not None and self.old_mode != self.new_mode


@dataclass
class FileDiff(PathAndMode):
    """The diff of one file cut out of a multi-file diff."""

    old_path: str | None  # None when the file is added
    new_path: str | None  # None when the file is deleted
    text: str
    added_lines: int = 0
    deleted_lines: int = 0
    binary: bool = False
    # From the extended headers: "renamed"/"copied" only when the diff was made with rename
    # detection; old_mode/new_mode only when the mode changed (or the file came or went).
    operation: str = "modified"  # "added", "modified", "deleted", "renamed" or "copied"
    old_mode: str | None = None
    new_mode: str | None = None
    similarity: int | None = None

    @cached_property
    def hunks(self) -> list[Hunk]:
        """The hunks with every line's old and new number (parsed on first use: a listing of
        changed files does not pay for it)."""
        start = self.text.find("\n@@")
        return parse_hunks(self.text[start + 1:]) if start >= 0 else []


def parse_hunks(text: str) -> list[Hunk]:
    """The hunks of one file's diff with each line's numbers. A hunk's header says how many
    old and new lines follow, so its end is known without guessing (a file's line may itself
    look like a header line; ``\\r`` and form feeds stay inside their line)."""
    hunks: list[Hunk] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = _HUNK_HEADER.match(lines[index])
        index += 1
        if not match:
            continue
        old_start, old_count, new_start, new_count, section = match.groups()
        old, new = int(old_start), int(new_start)
        old_left, new_left = _count(old_count), _count(new_count)
        body: list[DiffLine] = []
        while index < len(lines) and (old_left > 0 or new_left > 0 or lines[index].startswith("\\")):
            line = lines[index]
            index += 1
            if line.startswith("\\"):  # "\\ No newline at end of file": the line before
                if body:
                    last = body[-1]
                    body[-1] = DiffLine(last.kind, last.old, last.new, last.text, no_newline=True)
                continue
            kind = _LINE_KINDS.get(line[:1], "context")  # an empty line: context, space lost
            body.append(DiffLine(kind, old if kind != "added" else None,
                                 new if kind != "deleted" else None, line[1:]))
            if kind != "added":
                old, old_left = old + 1, old_left - 1
            if kind != "deleted":
                new, new_left = new + 1, new_left - 1
        hunks.append(Hunk(int(old_start), _count(old_count), int(new_start),
                          _count(new_count), section, tuple(body)))
    return hunks


def _count(value: str | None) -> int:
    return 1 if value is None else int(value)


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
    operation = "modified"
    modes: dict[str, str] = {}
    similarity = None
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
            old_path, operation = None, "added"
            modes["new"] = line.split()[-1]
        elif line.startswith("deleted file mode"):
            new_path, operation = None, "deleted"
            modes["old"] = line.split()[-1]
        elif line.startswith(("old mode ", "new mode ")):
            modes[line[:3]] = line.split()[-1]
        elif line.startswith(("rename from ", "copy from ")):
            operation = "renamed" if line.startswith("rename") else "copied"
            old_path = unquote_path(line.split(" ", 2)[2].rstrip("\n"))
        elif line.startswith(("rename to ", "copy to ")):
            new_path = unquote_path(line.split(" ", 2)[2].rstrip("\n"))
        elif line.startswith("similarity index "):
            similarity = int(line.split()[-1].rstrip("%"))
        elif line.startswith("--- "):
            old_path = _strip_prefix(line[4:].rstrip("\n"))
        elif line.startswith("+++ "):
            new_path = _strip_prefix(line[4:].rstrip("\n"))
        elif line.startswith(("Binary file", "GIT binary patch")):
            binary = True
    return FileDiff(old_path, new_path, "".join(lines), added, deleted, binary,
                    operation=operation, old_mode=modes.get("old"), new_mode=modes.get("new"),
                    similarity=similarity)


def split_diff(text: str) -> list[FileDiff]:
    """Cut a multi-file git-style diff into per-file pieces with stats."""
    sections: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith(_DIFF_HEADER):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return [_parse_section(section) for section in sections]
