"""Trees and files at a revision: the summary's root listing, directories, files, raw bytes,
the API's subtree listing."""

from __future__ import annotations

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services.errors import NotAFile
from vcshub.services.repo_contents import history
from vcshub.services.repo_contents.reading import backend, commit_at
from vcshub.services.repo_contents.records import (
    AnnotatedLine,
    Annotation,
    CommitRecord,
    Directory,
    Entry,
    FileContent,
    RawFile,
    Summary,
    in_utc,
)
from vcshub.services.unit_of_work import UnitOfWork

SUMMARY_COMMITS = 10
MAX_FILE_BYTES = 1_000_000  # larger files are not shown inline (the raw view serves them)


def summary(uow: UnitOfWork, repo: Repository) -> Summary:
    """The root of the landing revision (``rev:tip``, ``branch:x``, …; tip when it is gone)."""
    return summary_of(repo, backend(uow, repo))


def summary_of(repo: Repository, repository: vcs.Repository) -> Summary:
    """:func:`summary` on a backend already open (the summary page reads more from it)."""
    if repository.is_empty():
        return Summary(landing=None, entries=[], latest=[])
    ref_type, _sep, name = repo.landing_rev.partition(":")
    try:
        landing = repository.resolve_landing(ref_type, name)
    except vcs.VCSError:
        landing = repository.get_commit()
    entries = _entries(repository.get_nodes(landing.raw_id, "", recursive=False))
    latest, _more = history.newest(repository, 0, SUMMARY_COMMITS)
    return Summary(landing=CommitRecord.of(landing), entries=entries, latest=latest)


def browse(uow: UnitOfWork, repo: Repository, rev: str, path: str) -> Directory | FileContent:
    """The directory (its direct entries, directories first) or the file at ``path``. The root
    of an empty repository is an empty directory at the empty commit, whatever the revision:
    the files page of a repository nothing was pushed to yet is not a missing page."""
    repository = backend(uow, repo)
    if not vcs.normalize_path(path) and repository.is_empty():
        return Directory(commit=CommitRecord.of(vcs.EMPTY_COMMIT), path="", entries=[])
    commit = commit_at(repository, rev)
    node = commit.get_node(vcs.normalize_path(path))
    record = CommitRecord.of(commit)
    if node.is_dir:
        nodes = repository.get_nodes(commit.raw_id, node.path, recursive=False)
        return Directory(commit=record, path=node.path, entries=_entries(nodes))
    size = node.size
    shown = size <= MAX_FILE_BYTES and not node.is_binary
    return FileContent(
        commit=record,
        path=node.path,
        size=size,
        mimetype=node.mimetype,
        is_binary=node.is_binary,
        is_symlink=node.is_symlink,
        text=node.content.decode("utf-8", "replace") if shown else None,
    )


def raw_file(uow: UnitOfWork, repo: Repository, rev: str, path: str) -> RawFile:
    """A file's bytes at a revision; a directory is not a file (NodeNotFound)."""
    commit = commit_at(backend(uow, repo), rev)
    node = commit.get_node(vcs.normalize_path(path))
    if not node.is_file:
        raise vcs.NodeNotFound(f"{path!r} is a directory")
    return RawFile(
        path=node.path,
        content=node.content,
        mimetype=node.mimetype,
        is_binary=node.is_binary,
        is_symlink=node.is_symlink,
        commit_id=commit.raw_id,
    )


def annotate(uow: UnitOfWork, repo: Repository, rev: str, path: str) -> Annotation:
    """The file at ``rev``, each line with the commit that last changed it (across renames).
    NodeNotFound when ``path`` is not a file at ``rev``."""
    repository = backend(uow, repo)
    commit = commit_at(repository, rev)
    path = vcs.normalize_path(path)
    lines = [AnnotatedLine(b.line, b.commit_id, b.author, in_utc(b.date), b.text)
             for b in repository.annotate(commit.raw_id, path)]
    return Annotation(commit=CommitRecord.of(commit), path=path, lines=lines)


def nodes_below(repository: vcs.Repository, revision: str, root_path: str) -> list[vcs.Node]:
    """The whole subtree under the directory ``root_path``: directories first, then files."""
    root = root_path.strip("/")
    commit = commit_at(repository, revision)
    if root and not commit.get_node(root).is_dir:
        raise vcs.NodeNotFound(f"{root!r} is not a directory")
    nodes = repository.get_nodes(commit.raw_id, root, recursive=True)
    return [n for n in nodes if n.is_dir] + [n for n in nodes if not n.is_dir]


def file_node(repository: vcs.Repository, revision: str, path: str) -> vcs.Node | None:
    """The file at ``path`` (None in an empty repository). NodeNotFound when there is nothing
    there, NotAFile when it is a directory; CommitNotFound for an unknown revision."""
    if repository.is_empty():
        return None
    node = commit_at(repository, revision).get_node(vcs.normalize_path(path.lstrip("/")))
    if node.is_dir:
        raise NotAFile(path)
    return node


def files_below(repository: vcs.Repository, revision: str, root_path: str) -> list[vcs.Node]:
    """Every file under the directory ``root_path`` (no directories), by path: what a
    full-text indexer reads. Nothing in an empty repository."""
    if repository.is_empty():
        return []
    return sorted((n for n in nodes_below(repository, revision, root_path) if n.is_file),
                  key=lambda n: n.path)


def _entries(nodes: list[vcs.Node]) -> list[Entry]:
    """Directories first, then files, each by name."""
    ordered = sorted(nodes, key=lambda n: (not n.is_dir, n.name.lower(), n.name))
    return [
        Entry(
            name=n.name,
            path=n.path,
            is_dir=n.is_dir,
            is_symlink=n.is_file and n.is_symlink,
            size=n.size if n.is_file else 0,
        )
        for n in ordered
    ]
