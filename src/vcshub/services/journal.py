"""Recording pushes: which refs moved, which commits arrived, and who sent them."""

from __future__ import annotations

from sqlalchemy import select

from vcshub import vcs
from vcshub.db.models import JournalEntry, Repository, User
from vcshub.services import repo_disk
from vcshub.services.unit_of_work import UnitOfWork

RefState = dict[str, str]


def ref_state(backend: vcs.Repository) -> RefState:
    """Every branch, tag and bookmark as ``kind:name`` → commit id."""
    state = {f"branch:{k}": v for k, v in backend.branches().items()}
    state.update({f"tag:{k}": v for k, v in backend.tags().items()})
    state.update({f"book:{k}": v for k, v in backend.bookmarks().items()})
    return state


def snapshot(uow: UnitOfWork, repo: Repository) -> RefState:
    return ref_state(repo_disk.open_vcs(uow, repo))


def record_push(
    uow: UnitOfWork, repo: Repository, user: User, before: RefState
) -> JournalEntry | None:
    """Journal what a finished push changed and refresh the cached summary; None if nothing moved."""
    backend = repo_disk.open_vcs(uow, repo)
    after = ref_state(backend)
    moved = [
        {"ref": ref, "old": before.get(ref), "new": after.get(ref)}
        for ref in sorted(set(before) | set(after))
        if before.get(ref) != after.get(ref)
    ]
    repo_disk.refresh_summary(uow, repo)
    if not moved:
        return None
    entry = JournalEntry(
        user_id=user.user_id,
        username=user.username,
        repo_id=repo.repo_id,
        repo_name=repo.repo_name,
        action="push",
        refs=moved,
        commit_ids=_new_commits(backend, before, after),
    )
    uow.db.add(entry)
    uow.db.flush()
    return entry


def _new_commits(backend: vcs.Repository, before: RefState, after: RefState) -> list[str]:
    """Commits reachable from the new ref heads and not from the old ones."""
    new_heads = [v for v in after.values() if v not in set(before.values())]
    if not new_heads:
        return []
    return backend.new_commits(list(before.values()), new_heads)


def entries_for(uow: UnitOfWork, repo: Repository, limit: int = 50) -> list[JournalEntry]:
    return list(
        uow.db.scalars(
            select(JournalEntry)
            .where(JournalEntry.repo_id == repo.repo_id)
            .order_by(JournalEntry.entry_id.desc())
            .limit(limit)
        )
    )
