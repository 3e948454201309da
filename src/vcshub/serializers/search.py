"""Search results as the API returns them (RhodeCode's ``search`` result) and as the search
pages show them: one shape for both, with the matched lines' numbers and highlight spans, and
RhodeCode's ready-made highlighted text (``content_short_hl``, ``message_hl``)."""

from __future__ import annotations

from markupsafe import Markup, escape

from vcshub.services.search.query import CommitHit, FileHit, SearchResults
from vcshub.services.search.snippets import MatchedLine
from vcshub.vcs.nodes import guess_mimetype


def results_data(results: SearchResults) -> dict:
    return {
        "execution_time": f"{results.count} results ({results.seconds:.3f} seconds)",
        "search_type": results.search_type,
        "results": [hit_data(hit) for hit in results.hits],
        "page": results.page,
        "item_count": results.count,
        "items_per_page": results.page_limit,
    }


def hit_data(hit: FileHit | CommitHit) -> dict:
    if isinstance(hit, CommitHit):
        return {
            "repository": hit.repository,
            "repository_id": hit.repo_id,
            "commit_id": hit.commit_id,
            "short_id": hit.commit_id[:12],
            "commit_idx": hit.commit_idx,
            "author": hit.author,
            "date": hit.date.isoformat(timespec="seconds"),
            "message": hit.message,
            "message_hl": _lines_html(hit.matches),
            "matched_lines": [_line_data(line) for line in hit.matches],
        }
    return {
        "repository": hit.repository,
        "repository_id": hit.repo_id,
        "f_path": hit.f_path,
        "path": hit.f_path,
        "extension": hit.extension,
        "commit_id": hit.commit_id,
        "size": hit.size,
        "lines": hit.lines,
        "mimetype": guess_mimetype(hit.f_path.rpartition("/")[2]) or "text/plain",
        "score": round(hit.score, 4),
        "f_path_hl": str(highlighted(hit.f_path, hit.path_spans)),
        "f_path_highlights": [list(span) for span in hit.path_spans],
        "content_short_hl": _lines_html(hit.matches),
        "matched_lines": [_line_data(line) for line in hit.matches],
    }


def highlighted(text: str, spans) -> Markup:
    """``text`` escaped, its spans wrapped in ``<span class="match">``."""
    parts, last = [], 0
    for start, end in spans:
        parts.append(escape(text[last:start]))
        parts.append(Markup('<span class="match">') + escape(text[start:end]) + Markup("</span>"))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _lines_html(lines: list[MatchedLine]) -> str:
    return "\n".join(str(highlighted(line.text, line.spans)) for line in lines)


def _line_data(line: MatchedLine) -> dict:
    return {"line_number": line.number, "text": line.text,
            "highlights": [list(span) for span in line.spans]}
