"""Bringing one repository's documents in the index up to date, incrementally.

Files: those at the landing revision. The state document remembers the content id of every
file (git blob id, hg file node); an update diffs the old landing commit's tree with the new
one's (or, when the old commit is gone, lists the whole new tree, no content read) and
rewrites only the files whose id changed, and drops those that are gone. Binary files,
symbolic links and files over ``search_max_file_bytes`` are indexed by their path only.

Commits: every commit reachable from the branches, tags and bookmarks, message and author. The state remembers the
ref heads; an update indexes what the new heads reach and the old ones did not (what the push
brought). Commits that a forced push dropped stay findable until the next rebuild, as in
RhodeCode.

Nothing here takes a caller: the queue (tasks/search_queue.py) runs it for repositories the
system saw change, and the console's ``vcshub index`` for those it names. Every update holds
the index's writer lock (index_store.writer) and commits documents and state together.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tantivy

from vcshub import vcs
from vcshub.services.search import index_store as store
from vcshub.services.search.index_store import COMMIT, FILE, STATE

BINARY_SNIFF = 8000  # bytes looked at for a NUL, as git does


@dataclass(frozen=True)
class Target:
    """What the indexer needs of a repository, read from the database beforehand (the
    indexing itself holds no transaction)."""

    repo_id: int
    folder: Path
    kind: str
    landing_rev: str  # "branch:main", "rev:tip", ...


@dataclass
class Report:
    files_indexed: int = 0
    files_removed: int = 0
    commits_indexed: int = 0
    seconds: float = 0.0


def update(base: Path, target: Target, max_file_bytes: int, *, rebuild: bool = False,
           threads: int = 1) -> Report:
    """Bring ``target``'s documents up to date (``rebuild``: from nothing)."""
    return update_many(base, [target], max_file_bytes, rebuild=rebuild, threads=threads)[0]


def update_many(base: Path, targets: Iterable[Target], max_file_bytes: int, *,
                gone: Iterable[int] = (), rebuild: bool = False, threads: int = 1) -> list[Report]:
    """Bring several repositories up to date and forget the ``gone`` ones, in one tantivy
    commit. Why together: a commit (segment written, fsync, merge) costs 20-100 ms whatever
    it holds, so a backlog of a hundred small repositories (a busy server, a catch-up) is
    cleared in one commit instead of a hundred. All or nothing: an error rolls back the lot."""
    with store.writer(base, threads) as writer:
        for repo_id in gone:
            writer.delete_documents_by_term("repo_id", repo_id)
        return [_update(writer, base, target, max_file_bytes, rebuild) for target in targets]


def _update(writer: tantivy.IndexWriter, base: Path, target: Target, max_file_bytes: int,
            rebuild: bool) -> Report:
    started = time.perf_counter()
    report = Report()
    repo = vcs.open_repository(target.folder, target.kind)
    state = {} if rebuild else _state(base, target.repo_id)
    if rebuild:
        writer.delete_documents_by_term("repo_id", target.repo_id)
    new_state = {"landing": None, "files": {}, "heads": []}
    if not repo.is_empty():
        landing = _landing(repo, target.landing_rev)
        new_state["landing"] = landing.raw_id
        if landing.raw_id == state.get("landing"):
            new_state["files"] = state["files"]
        else:
            new_state["files"] = _files(writer, target.repo_id, repo, landing, state,
                                        max_file_bytes, report)
        new_state["heads"] = _heads(repo)
        if new_state["heads"] != state.get("heads"):
            report.commits_indexed = _commits(writer, target.repo_id, repo,
                                              state.get("heads"), new_state["heads"])
    elif state.get("landing"):
        writer.delete_documents_by_term("repo_id", target.repo_id)  # emptied (stripped)
    writer.delete_documents_by_term("key", store.state_key(target.repo_id))
    writer.add_document(tantivy.Document(
        key=store.state_key(target.repo_id), kind=STATE, repo_id=target.repo_id,
        state=json.dumps(new_state).encode()))
    report.seconds = time.perf_counter() - started
    return report


def drop(base: Path, repo_id: int) -> None:
    """Forget every document of a repository (it was deleted)."""
    update_many(base, [], 0, gone=[repo_id])


def indexed_repo_ids(base: Path) -> set[int]:
    """Repositories the index holds a state for (read from a fast field: no document loaded)."""
    _index, searcher = store.READERS.searcher(base)
    query = tantivy.Query.term_query(store.SCHEMA, "kind", STATE)
    total = searcher.search(query, 1, count=True).count
    if not total:
        return set()
    found = searcher.search(query, total, count=False, order_by_field="repo_id")
    return {int(order) for order, _address in found.hits}


def _state(base: Path, repo_id: int) -> dict:
    _index, searcher = store.READERS.searcher(base)
    query = tantivy.Query.term_query(store.SCHEMA, "key", store.state_key(repo_id))
    hits = searcher.search(query, 1, count=False).hits
    if not hits:
        return {}
    return json.loads(searcher.doc(hits[0][1])["state"][0])


def _heads(repo: vcs.Repository) -> list[str]:
    """Commits the branches, tags and bookmarks point at (tags peeled): what ``commits()``
    walks from, and what a push moves."""
    return sorted({*repo.branches().values(), *repo.tags().values(), *repo.bookmarks().values()})


def _landing(repo: vcs.Repository, landing_rev: str) -> vcs.Commit:
    """The landing commit; the tip when the landing ref is gone (as the summary page does)."""
    ref_type, _, name = landing_rev.partition(":")
    try:
        return repo.resolve_landing(ref_type, name)
    except vcs.VCSError:
        return repo.get_commit(None)


def _files(writer, repo_id: int, repo: vcs.Repository, landing: vcs.Commit, state: dict,
           max_file_bytes: int, report: Report) -> dict[str, str]:
    """Index the landing commit's files that changed since the state's; the new file map."""
    before: dict[str, str] = state.get("files", {})
    paths = _paths_changed(repo, state.get("landing"), landing.raw_id) if before else None
    if paths is None:  # compare the whole tree
        nodes = [node for node in landing.get_nodes("", recursive=True) if node.is_file]
        gone = before.keys() - {node.path for node in nodes}
        after: dict[str, str] = {}
    else:
        nodes, gone, after = [], set(), dict(before)
        for path in paths:
            node = _file_node(landing, path)
            if node is not None:
                nodes.append(node)
            elif path in before:
                gone.add(path)
    for node in nodes:
        content_id = node.content_id or ""
        after[node.path] = content_id
        if before.get(node.path) == content_id:
            continue
        if node.path in before:
            writer.delete_documents_by_term("key", store.file_key(repo_id, node.path))
        writer.add_document(_file_document(repo_id, landing, node, max_file_bytes))
        report.files_indexed += 1
    for path in gone:
        writer.delete_documents_by_term("key", store.file_key(repo_id, path))
        after.pop(path, None)
        report.files_removed += 1
    return after


def _paths_changed(repo: vcs.Repository, old: str | None, new: str) -> set[str] | None:
    """The paths that differ between two landing commits (any two: a forced push too), or
    None when the old one is gone (stripped): then the whole tree is compared.
    Why one diff of the two trees: listing a 20,000-file tree, or diffing each pushed commit
    with its parent, costs 50-900 ms; this diff walks only the subtrees that differ (5 ms for
    a 100-commit push), and its text is only as big as the change."""
    if old is None:
        return None
    try:
        text = repo.diff(old, new)
    except vcs.VCSError:
        return None
    return {path for piece in vcs.split_diff(text)
            for path in (piece.old_path, piece.new_path) if path}


def _file_node(commit: vcs.Commit, path: str) -> vcs.Node | None:
    try:
        node = commit.get_node(path)
    except vcs.NodeNotFound:  # deleted
        return None
    return node if node.is_file else None


def _file_document(repo_id: int, landing: vcs.Commit, node: vcs.Node,
                   max_file_bytes: int) -> tantivy.Document:
    """The file's document; a binary or too big file, or a symbolic link, by its path only."""
    text, lines, size = "", 0, node.size
    if not node.is_symlink and size <= max_file_bytes:
        data = node.content
        if b"\0" not in data[:BINARY_SNIFF]:
            text = data.decode("utf-8", "replace")
            lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    return tantivy.Document(
        key=store.file_key(repo_id, node.path), kind=FILE, repo_id=repo_id,
        path=node.path, extension=node.extension, content=text, size=size, lines=lines,
        commit_id=landing.raw_id, date=int(landing.date.timestamp()),
    )


def _commits(writer, repo_id: int, repo: vcs.Repository, old_heads: list[str] | None,
             new_heads: list[str]) -> int:
    if old_heads is None:  # first time: every commit, in the backend's fastest order
        commits: Iterable[vcs.Commit] = repo.commits()
    else:
        commits = (repo.get_commit(i) for i in repo.new_commits(old_heads, new_heads))
    count = 0
    for commit in commits:
        key = store.commit_key(repo_id, commit.raw_id)
        if old_heads is not None:
            writer.delete_documents_by_term("key", key)  # a head that came back
        writer.add_document(tantivy.Document(
            key=key, kind=COMMIT, repo_id=repo_id, commit_id=commit.raw_id,
            commit_idx=max(commit.index, 0), author=commit.author, message=commit.message,
            date=int(commit.date.timestamp()),
            newness=store.newness(int(commit.date.timestamp()), max(commit.index, 0)),
        ))
        count += 1
    return count

