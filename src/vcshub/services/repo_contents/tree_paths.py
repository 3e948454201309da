"""Every file path of a tree at a revision: what the file finder filters as one types."""

from __future__ import annotations

from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend, commit_at
from vcshub.services.unit_of_work import UnitOfWork


def file_paths(uow: UnitOfWork, repo: Repository, rev: str) -> tuple[str, list[str]]:
    """(the commit id ``rev`` names, the path of every file of its tree, sorted)."""
    repository = backend(uow, repo)
    commit = commit_at(repository, rev)
    nodes = repository.get_nodes(commit.raw_id, "", recursive=True)
    return commit.raw_id, sorted(node.path for node in nodes if node.is_file)
