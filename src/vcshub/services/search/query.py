"""Searching: the query language, the scope the caller may read, and the hits.

Query text: words (all must match), ``"exact phrases"``, ``path:word`` (or ``path:"a/b"``)
and ``extension:py`` filters (several extensions: any of them). ``search_type``:

* ``content``: files whose content or path holds the words; a match in the path ranks higher;
* ``path``: files whose path holds the words;
* ``commit``: commits whose message, author or full id matches; newest first by default.

Read permission is applied inside the engine's query (a set of repository ids from
:func:`vcshub.services.access.repos_allowing`), before anything is counted: a repository the
caller may not read contributes neither hits nor to the count. Repositories are looked up by
id, so a renamed one shows its new name and a deleted one nothing, whatever the index holds.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field

import tantivy
from sqlalchemy import select

from vcshub.db.models import Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, lookup, vcs_access
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.search import index_store as store
from vcshub.services.search import snippets
from vcshub.services.search.index_store import COMMIT, FILE
from vcshub.services.unit_of_work import UnitOfWork

SEARCH_TYPES = ("content", "path", "commit")
SORTS = ("desc:date", "asc:date", "newfirst", "oldfirst")
MAX_PAGE_LIMIT = 500
PATH_BOOST = 3.0
_PART = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')
FILTERS = {"path": "path", "extension": "extension", "ext": "extension"}


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...] = ()  # words and phrases
    paths: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileHit:
    repo_id: int
    repository: str
    f_path: str
    extension: str
    commit_id: str
    size: int
    lines: int
    score: float
    matches: list[snippets.MatchedLine]
    path_spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class CommitHit:
    repo_id: int
    repository: str
    commit_id: str
    commit_idx: int
    author: str
    message: str
    date: dt.datetime
    matches: list[snippets.MatchedLine]


@dataclass
class SearchResults:
    search_type: str
    page: int
    page_limit: int
    count: int = 0
    seconds: float = 0.0
    hits: list = field(default_factory=list)


def parse(text: str) -> ParsedQuery:
    terms, paths, extensions = [], [], []
    for m in _PART.finditer(text or ""):
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        kind = FILTERS.get((name or "").lower())
        if kind == "path" and value:
            paths.append(value)
        elif kind == "extension" and value:
            extensions.append(value.lower().lstrip("."))
        elif m.group(5) is not None:
            terms.append(m.group(5))
        else:
            terms.append(m.group(0))
    terms = [t for t in terms if snippets.tokens([t])]
    paths = [p for p in paths if snippets.tokens([p])]
    if not (terms or paths or extensions):
        raise Invalid("search_query", "Invalid search query. Try quoting it.")
    return ParsedQuery(tuple(terms), tuple(paths), tuple(extensions))


def search(uow: UnitOfWork, caller: Caller, text: str, search_type: str = "content", *,
           repo_name: str | None = None, repo_group_name: str | None = None, page: int = 1,
           page_limit: int = 10, sort: str = "desc:date") -> SearchResults:
    """One page of hits, newest or best first; anyone may search, each sees what he may read."""
    started = time.perf_counter()
    # the texts of RhodeCode's search schema (colander's)
    if search_type not in SEARCH_TYPES:
        raise Invalid("search_type", f'"{search_type}" is not one of {", ".join(SEARCH_TYPES)}')
    if sort not in SORTS:
        raise Invalid("search_sort", f'"{sort}" is not one of {", ".join(SORTS)}')
    if page_limit < 1:
        raise Invalid("page_limit", f"{page_limit} is less than minimum value 1")
    if page_limit > MAX_PAGE_LIMIT:
        raise Invalid("page_limit", f"{page_limit} is greater than maximum value {MAX_PAGE_LIMIT}")
    if page < 1:
        raise Invalid("requested_page", f"{page} is less than minimum value 1")
    parsed = parse(text)
    results = SearchResults(search_type, page, page_limit)
    names = _readable(uow, caller, repo_name, repo_group_name)
    if names:
        _run(uow, parsed, names, results, sort)
    results.seconds = time.perf_counter() - started
    return results


def _readable(uow: UnitOfWork, caller: Caller, repo_name: str | None,
              group_name: str | None) -> dict[int, str]:
    """Repository id -> name of the repositories searched: the one named, or those of a group,
    or all, that the caller may read."""
    if repo_name:
        repo = access.repo(uow, caller, repo_name, "repository.read")
        return {repo.repo_id: repo.repo_name}
    query = select(Repository.repo_id, Repository.repo_name)
    if group_name:
        group = lookup.repo_group(uow.db, group_name)
        prefix = group.group_name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Repository.repo_name.like(prefix + "/%", escape="\\"))
    names = dict(uow.db.execute(query).all())
    allowed = access.repos_allowing(caller, names.keys(), "repository.read")
    if group_name and not allowed and not access.can_repo_group(caller, group, "group.read"):
        raise NotFound("repository group", group_name)
    return {rid: names[rid] for rid in allowed}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", " ").replace('"', " ") + '"'


def _run(uow: UnitOfWork, parsed: ParsedQuery, names: dict[int, str], results: SearchResults,
         sort: str) -> None:
    index, searcher = store.READERS.searcher(uow.settings.search_index_dir)
    kind = COMMIT if results.search_type == "commit" else FILE
    must = [
        tantivy.Query.term_query(store.SCHEMA, "kind", kind),
        tantivy.Query.term_set_query(store.SCHEMA, "repo_id", list(names)),
    ]
    fields, boosts = {
        "content": (["content", "path"], {"path": PATH_BOOST}),
        "path": (["path"], {}),
        "commit": (["message", "author", "commit_id"], {}),
    }[results.search_type]
    try:
        must += [index.parse_query(_quoted(t), fields, boosts) for t in parsed.terms]
        must += [index.parse_query(_quoted(p), ["path"]) for p in parsed.paths]
    except ValueError as exc:
        raise Invalid("search_query", "Invalid search query. Try quoting it.") from exc
    if parsed.extensions:
        must.append(tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.term_query(store.SCHEMA, "extension", ext))
            for ext in parsed.extensions
        ]))
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])
    offset = (results.page - 1) * results.page_limit
    if kind == COMMIT:
        order = tantivy.Order.Asc if sort in ("asc:date", "oldfirst") else tantivy.Order.Desc
        found = searcher.search(query, results.page_limit, count=True, order_by_field="newness",
                                offset=offset, order=order)
    else:
        found = searcher.search(query, results.page_limit, count=True, offset=offset)
    results.count = found.count or 0
    pattern = snippets.matcher(snippets.tokens(parsed.terms))
    path_pattern = snippets.matcher(snippets.tokens(parsed.terms + parsed.paths))
    for score, address in found.hits:
        doc = searcher.doc(address).to_dict()
        if kind == COMMIT:
            results.hits.append(_commit_hit(doc, names, pattern))
        else:
            results.hits.append(_file_hit(doc, names, score, pattern, path_pattern,
                                          results.search_type))


def _one(doc: dict, name: str, default=None):
    values = doc.get(name)
    return values[0] if values else default


def _file_hit(doc, names, score, pattern, path_pattern, search_type) -> FileHit:
    path = _one(doc, "path", "")
    repo_id = _one(doc, "repo_id")
    return FileHit(
        repo_id=repo_id, repository=names[repo_id], f_path=path,
        extension=_one(doc, "extension", ""), commit_id=_one(doc, "commit_id", ""),
        size=_one(doc, "size", 0), lines=_one(doc, "lines", 0), score=float(score),
        matches=snippets.matched_lines(_one(doc, "content", ""), pattern)
        if search_type == "content" else [],
        path_spans=snippets.spans_in(path, path_pattern),
    )


def _commit_hit(doc, names, pattern) -> CommitHit:
    repo_id = _one(doc, "repo_id")
    message = _one(doc, "message", "")
    return CommitHit(
        repo_id=repo_id, repository=names[repo_id], commit_id=_one(doc, "commit_id", ""),
        commit_idx=_one(doc, "commit_idx", 0), author=_one(doc, "author", ""), message=message,
        date=dt.datetime.fromtimestamp(_one(doc, "date", 0)),  # naive local, as vcs gives it
        matches=snippets.matched_lines(message, pattern),
    )


def visitor(uow: UnitOfWork, user: User | None) -> Caller | None:
    """Who searches from a page: the signed-in user, else the anonymous (default) user when
    anonymous access is on; None: nobody may read anything."""
    subject = user or vcs_access.anonymous_user(uow)
    return Caller(uow.db, subject) if subject is not None else None
