"""Recording pushes: which refs moved, which commits arrived, and who sent them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vcshub import vcs
from vcshub.db.models import JournalEntry, Repository, User
from vcshub.services import repo_disk
from vcshub.services.unit_of_work import UnitOfWork

RefState = dict[str, str]


@dataclass(frozen=True)
class PushClaim:
    """What one push is known to have changed, so that concurrent pushes are not mixed up.

    Comparing the refs before and after a push would also count another push that landed
    meanwhile; the transports know better (git: the commands that took effect, hg: the
    transaction's own changes) and say so here.
    """

    refs: frozenset[str]  # ``kind:name`` keys this push updated
    commit_ids: tuple[str, ...] | None = None  # the commits it added, when known exactly
    whole_kinds: frozenset[str] = frozenset()  # e.g. {"tag"}: hg tags move with .hgtags

    def covers(self, ref: str) -> bool:
        return ref in self.refs or ref.partition(":")[0] in self.whole_kinds


def claim_for_git_refs(refnames: Iterable[str]) -> PushClaim:
    """The claim of a git push that updated these full ref names (other namespaces are not
    journaled: ``ref_state`` only knows branches and tags)."""
    keys = set()
    for name in refnames:
        for prefix, kind in (("refs/heads/", "branch"), ("refs/tags/", "tag")):
            if name.startswith(prefix):
                keys.add(f"{kind}:{name[len(prefix):]}")
    return PushClaim(refs=frozenset(keys))


def ref_state(backend: vcs.Repository) -> RefState:
    """Every branch, tag and bookmark as ``kind:name`` → commit id."""
    state = {f"branch:{k}": v for k, v in backend.branches().items()}
    state.update({f"tag:{k}": v for k, v in backend.tags().items()})
    state.update({f"book:{k}": v for k, v in backend.bookmarks().items()})
    return state


def snapshot(uow: UnitOfWork, repo: Repository) -> RefState:
    return ref_state(repo_disk.open_vcs(uow, repo))


def snapshot_at(path: Path, kind: str) -> RefState:
    """The ref state of the repository folder at ``path`` (for callers without a unit of work)."""
    return ref_state(vcs.open_repository(path, kind))


def record_push(
    uow: UnitOfWork,
    repo: Repository,
    user: User,
    before: RefState,
    claim: PushClaim | None = None,
) -> JournalEntry | None:
    """Journal what a finished push changed and refresh the cached summary; None if nothing moved.

    Without a ``claim`` every ref that differs from ``before`` counts; with one, only the refs
    it names (another push may have moved the others meanwhile).
    """
    backend = repo_disk.open_vcs(uow, repo)
    after = ref_state(backend)
    moved = [
        {"ref": ref, "old": before.get(ref), "new": after.get(ref)}
        for ref in sorted(set(before) | set(after))
        if before.get(ref) != after.get(ref) and (claim is None or claim.covers(ref))
    ]
    repo_disk.refresh_summary(uow, repo)
    if not moved:
        return None
    if claim is not None and claim.commit_ids is not None:
        commit_ids = list(claim.commit_ids)
    else:
        commit_ids = _new_commits(backend, before, {m["ref"]: m["new"] for m in moved})
    entry = JournalEntry(
        user_id=user.user_id,
        username=user.username,
        repo_id=repo.repo_id,
        repo_name=repo.repo_name,
        action="push",
        refs=moved,
        commit_ids=commit_ids,
    )
    uow.db.add(entry)
    uow.db.flush()
    return entry


def _new_commits(backend: vcs.Repository, before: RefState, moved_to: dict) -> list[str]:
    """Commits reachable from the moved refs' new heads and not from any ref before the push."""
    old = set(before.values())
    new_heads = sorted({v for v in moved_to.values() if v is not None and v not in old})
    if not new_heads:
        return []
    return backend.new_commits(list(before.values()), new_heads)
