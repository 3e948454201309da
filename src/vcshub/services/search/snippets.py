"""Where a hit matched: the lines of a file (or a commit message) holding a searched word, with
their numbers and the character spans to highlight.

Words are matched as the index's tokenizer cut them (runs of letters and digits, any case), so
what is highlighted is what was found; a phrase highlights each of its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LINES = 10  # per hit, as RhodeCode's search_max_lines
MAX_LINE_CHARS = 500  # a minified file's one line is cut around its first match

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class MatchedLine:
    number: int  # 1-based
    text: str
    spans: tuple[tuple[int, int], ...]  # [start, end) in ``text``


def tokens(terms: Iterable[str]) -> list[str]:
    """The index tokens of the searched words and phrases, lower-cased, longest first."""
    found = {token.lower() for term in terms for token in _TOKEN.findall(term)}
    return sorted(found, key=lambda t: (-len(t), t))


def matcher(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def matched_lines(text: str, pattern: re.Pattern[str] | None,
                  limit: int = MAX_LINES) -> list[MatchedLine]:
    if pattern is None:
        return []
    found: list[MatchedLine] = []
    for number, line in enumerate(text.splitlines(), 1):
        spans = [m.span() for m in pattern.finditer(line)]
        if not spans:
            continue
        line, spans = _cut(line, spans)
        found.append(MatchedLine(number, line, tuple(spans)))
        if len(found) >= limit:
            break
    return found


def spans_in(text: str, pattern: re.Pattern[str] | None) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in pattern.finditer(text)) if pattern is not None else ()


def _cut(line: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    if len(line) <= MAX_LINE_CHARS:
        return line, spans
    start = max(spans[0][0] - MAX_LINE_CHARS // 4, 0)
    end = start + MAX_LINE_CHARS
    kept = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    return line[start:end], kept
