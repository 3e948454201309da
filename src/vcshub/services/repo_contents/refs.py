"""Branches, tags and bookmarks with their last commit (the refs pages and switchers)."""

from __future__ import annotations

from vcshub import vcs
from vcshub.db.models import Repository
from vcshub.services.repo_contents.reading import backend
from vcshub.services.repo_contents.records import RefRecord, Refs
from vcshub.services.unit_of_work import UnitOfWork


def refs(uow: UnitOfWork, repo: Repository) -> Refs:
    """Every branch, tag and bookmark of a readable repository, each kind by name.
    One commit lookup per ref: no history walk."""
    found: dict[str, list[RefRecord]] = {"branch": [], "tag": [], "bookmark": []}
    for ref in backend(uow, repo).ref_commits():
        found[ref.kind].append(RefRecord.of(ref))
    return Refs(branches=found["branch"], tags=found["tag"], bookmarks=found["bookmark"])


def ref_names(uow: UnitOfWork, repo: Repository) -> dict[str, list[str]]:
    """Names only, sorted, by kind ("branch", "tag", "bookmark"): what a ref switcher lists.
    No commit is read, so it stays cheap with thousands of tags."""
    repository = backend(uow, repo)
    return {
        "branch": sorted(repository.branches()),
        "tag": sorted(repository.tags()),
        "bookmark": sorted(repository.bookmarks()),
    }


def ref_heads(repository: vcs.Repository) -> dict[str, dict[str, str]]:
    """Name -> commit id of every bookmark, open branch, closed branch (Mercurial) and tag."""
    closed = repository.branches(closed=True) if repository.kind == "hg" else {}
    return {
        "bookmarks": dict(repository.bookmarks()),
        "branches": dict(repository.branches()),
        "branches_closed": dict(closed),
        "tags": dict(repository.tags()),
    }
