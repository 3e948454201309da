"""Merging one Mercurial changeset into a named branch of a repository.

Real merges happen in a scratch ``hg clone -U`` beside the target
(hardlinked, so cheap), into which the source changeset is pulled. The
merge itself runs in memory (``overlayworkingctx``, as ``rebase
--inmemory`` does), so no working copy is ever checked out and a conflict
simply stops it. The new changesets are then applied to the target under
its lock, after checking that the branch head is still ``target_commit``:
a merge never adds a head to the target branch.

Dry runs and read-only questions use the target itself, or a union
repository of target and source (read-only, nothing copied).
"""

from __future__ import annotations

import os
from pathlib import Path

from mercurial import changegroup, context, discovery, error, exchange, hg, scmutil, unionrepo
from mercurial import merge as mergemod
from mercurial import node as hgnode

from .errors import RepositoryNotFound, VCSError
# A module import: hg.py imports this module while it is itself loading.
from . import hg as hg_backend
from .merges import MergeResult, MergeStatus, merge_workspace, require_both, same_repository


def _ui():
    ui = hg_backend.make_ui()
    # The internal 3-way merge: a conflict fails the in-memory merge instead
    # of starting a user-configured tool or prompting.
    ui.setconfig(b"ui", b"forcemerge", b":merge", b"vcshub")
    return ui


def _open(ui, path: Path):
    return hg.repository(ui, os.fsencode(str(path)))


def _lookup(repo, rev: str):
    """The changeset ``rev`` names (id, short id, branch, tag...), or None."""
    if not isinstance(rev, str) or not rev.strip():
        return None
    try:
        ctx = scmutil.revsymbol(repo, rev.strip().encode("utf-8"))
    except (error.RepoLookupError, error.LookupError, error.Abort,
            error.ProgrammingError, ValueError, TypeError):
        return None
    return None if ctx.rev() in (None, hgnode.nullrev) else ctx


def _view(ui, target_path: Path, source_path: Path):
    """A read-only repository showing both histories: the target itself, or
    a union repository of target and source."""
    if same_repository(target_path, source_path):
        return _open(ui, target_path)
    return unionrepo.makeunionrepository(ui, os.fsencode(str(target_path)),
                                         os.fsencode(str(source_path)))


def _node_pair(target_path, source_path, source_commit, target_commit):
    """(view, source node, target node); names resolve in their own repository."""
    ui = _ui()
    same = same_repository(target_path, source_path)
    try:
        target = _open(ui, target_path)
        source = target if same else _open(ui, source_path)
    except error.RepoError as exc:
        raise RepositoryNotFound(f"no hg repository: {hg_backend.hg_message(exc)}") from None
    source_ctx = _lookup(source, source_commit)
    target_ctx = _lookup(target, target_commit)
    require_both(source_ctx, target_ctx, source_commit, target_commit)
    view = target if same else _view(ui, Path(target_path), Path(source_path))
    return view, source_ctx.node(), target_ctx.node()


def common_ancestor(target_path: Path, source_path: Path, source_commit: str,
                    target_commit: str) -> str | None:
    """Best common ancestor of the two changesets, None for unrelated
    histories. Raises CommitNotFound for unknown revisions."""
    view, source, target = _node_pair(target_path, source_path, source_commit, target_commit)
    ancestor = view[source].ancestor(view[target], warn=False)
    return None if ancestor.rev() == hgnode.nullrev else hgnode.hex(ancestor.node()).decode()


def commits_to_merge(target_path: Path, source_path: Path, source_commit: str,
                     target_commit: str) -> list[str]:
    """Ids reachable from ``source_commit`` and not from ``target_commit``,
    oldest first. Raises CommitNotFound for unknown revisions."""
    view, source, target = _node_pair(target_path, source_path, source_commit, target_commit)
    revs = view.revs(b"only(%n, %n)", source, target)
    return [hgnode.hex(view.changelog.node(rev)).decode() for rev in sorted(revs)]


# -- merging --------------------------------------------------------------------

def _check(ui, target, source_path: Path, same: bool, source_commit: str, branch: bytes,
           target_commit: str) -> MergeResult | tuple[bytes, bytes]:
    """(target node, source node), or why they cannot be merged."""
    branchmap = target.branchmap()
    name = branch.decode("utf-8", "replace")
    if branch not in branchmap:
        return MergeResult(MergeStatus.MISSING_REF, message=f"no branch {name!r}")
    heads = branchmap.branchheads(branch)  # open heads only
    if not heads:
        return MergeResult(MergeStatus.MISSING_REF, message=f"branch {name!r} is closed")
    if len(heads) > 1:
        return MergeResult(MergeStatus.MULTIPLE_HEADS,
                           message=f"branch {name!r} has {len(heads)} heads")
    target_ctx = _lookup(target, target_commit)
    if target_ctx is None:
        return MergeResult(MergeStatus.MISSING_REF,
                           message=f"unknown target revision {target_commit!r}")
    if heads[0] != target_ctx.node():
        head, wanted = hgnode.hex(heads[0]).decode(), target_ctx.hex().decode()
        return MergeResult(MergeStatus.NOT_HEAD,
                           message=f"branch {name!r} is at {head}, not {wanted}")
    try:
        source = target if same else _open(ui, source_path)
    except error.RepoError as exc:
        return MergeResult(MergeStatus.MISSING_REF,
                           message=f"no source repository: {hg_backend.hg_message(exc)}")
    source_ctx = _lookup(source, source_commit)
    if source_ctx is None:
        return MergeResult(MergeStatus.MISSING_REF,
                           message=f"unknown source revision {source_commit!r}")
    return target_ctx.node(), source_ctx.node()


def _merge_in_memory(repo, target: bytes, source: bytes):
    """(wctx, None): an overlayworkingctx holding the merge of ``source``
    into ``target`` (parents set); (None, reason) when the changes conflict."""
    p1, p2 = repo[target], repo[source]
    wctx = context.overlayworkingctx(repo)
    wctx.setbase(p1)
    try:
        # mergemod.merge() would refuse a source that descends from the
        # target whenever the in-memory context's branch ("default") equals
        # the source's; mergeancestor lifts that, and such merges cannot
        # conflict anyway.
        stats = mergemod._update(
            repo, p2.rev(), branchmerge=True, force=False,
            mergeancestor=repo.changelog.isancestor(target, source),
            labels=[b"target", b"source", b"base"], wc=wctx,
        )
    except error.InMemoryMergeConflictsError:
        return None, "conflicting changes"
    except error.Abort as exc:
        # On a fresh in-memory context (and after _plan's checks) the only
        # aborts left are path conflicts: a file where the other side has a
        # directory.
        return None, f"conflicting changes: {hg_backend.hg_message(exc)}"
    if stats.unresolvedcount:
        return None, "conflicting changes"
    wctx.setparents(p1.node(), p2.node())
    return wctx, None


# What merging the source means, as decided by _plan().
_ALREADY_MERGED = "already merged"
_FAST_FORWARD = "fast-forward"
_MERGE = "merge"
_CONFLICT = "conflict"


def _plan(repo, target: bytes, source: bytes, branch: bytes):
    """(kind, detail): one of the kinds above; detail is the merged wctx for
    _MERGE, the reason for _CONFLICT."""
    if repo.changelog.isancestor(source, target):
        return _ALREADY_MERGED, None
    if repo.changelog.isancestor(target, source) and repo[source].branch() == branch:
        # Same branch and the target did not move: the source's changesets
        # simply land on top of it.
        return _FAST_FORWARD, None
    wctx, reason = _merge_in_memory(repo, target, source)
    return (_MERGE, wctx) if wctx is not None else (_CONFLICT, reason)


def _dry_run(ui, target_path: Path, source_path: Path, target: bytes, source: bytes,
             branch: bytes) -> MergeResult:
    kind, detail = _plan(_view(ui, target_path, source_path), target, source, branch)
    messages = {
        _CONFLICT: detail,
        _ALREADY_MERGED: "nothing to merge: the source is already in the target",
        _FAST_FORWARD: "would fast-forward",
        _MERGE: "would merge cleanly",
    }
    status = MergeStatus.CONFLICT if kind == _CONFLICT else MergeStatus.MERGED
    return MergeResult(status, message=messages[kind])


def _commit(work, wctx, branch: bytes, message: str, author: str) -> bytes:
    # Drops cache entries equal to p1, so that the changeset lists only the
    # files the merge really changed (rebase does the same).
    wctx._compact()
    memctx = wctx.tomemctx(message.encode("utf-8"), branch=branch,
                           user=author.encode("utf-8"))
    with work.wlock(), work.lock():
        return memctx.commit()


def _publish(work, target_path: Path, branch: bytes, target: bytes, new: bytes,
             done: str) -> MergeResult:
    """Apply the changesets ``new`` brings to the target, provided the
    branch head is still ``target`` (checked under the target's lock)."""
    repo = _open(hg_backend.make_ui(), target_path)
    with repo.wlock(), repo.lock():
        heads = repo.branchmap().branchheads(branch)
        if heads != [target]:
            moved = ", ".join(hgnode.hex(h).decode()[:12] for h in heads)
            return MergeResult(MergeStatus.TARGET_MOVED,
                               message=f"branch head moved to {moved} during the merge")
        common = [h for h in repo.heads() if work.changelog.hasnode(h)]
        outgoing = discovery.outgoing(work, commonheads=common, ancestorsof=[new])
        if outgoing.missing:
            bundle = changegroup.makechangegroup(
                work, outgoing, changegroup.safeversion(work), b"push")
            with repo.transaction(b"vcshub-merge") as tr:
                # "push": a publishing target makes the changesets public.
                bundle.apply(repo, tr, b"push", b"vcshub-merge")
    return MergeResult(MergeStatus.MERGED, hgnode.hex(new).decode(), done)


def _merge(target_path: Path, source_path: Path, source_commit: str, target_branch: str,
           target_commit: str, message: str, author: str, dry_run: bool) -> MergeResult:
    ui = _ui()
    branch = target_branch.encode("utf-8")
    same = same_repository(target_path, source_path)
    checked = _check(ui, _open(ui, target_path), source_path, same, source_commit,
                     branch, target_commit)
    if isinstance(checked, MergeResult):
        return checked
    target, source = checked
    if dry_run:
        return _dry_run(ui, target_path, source_path, target, source, branch)
    with merge_workspace(target_path) as scratch:
        hg_backend.clone(str(target_path), scratch / "work")
        work = _open(ui, scratch / "work")
        if not work.changelog.hasnode(source):
            peer = hg.peer(work, {}, os.fsencode(str(source_path)))
            try:
                exchange.pull(work, peer, heads=[source])
            finally:
                peer.close()
            work = _open(ui, scratch / "work")
        kind, detail = _plan(work, target, source, branch)
        if kind == _CONFLICT:
            return MergeResult(MergeStatus.CONFLICT, message=detail)
        if kind == _ALREADY_MERGED:
            return MergeResult(MergeStatus.MERGED, hgnode.hex(target).decode(),
                               "nothing to merge: the source is already in the target")
        if kind == _FAST_FORWARD:
            return _publish(work, target_path, branch, target, source, "fast-forward")
        new = _commit(work, detail, branch, message, author)
        return _publish(work, target_path, branch, target, new, "merged")


def merge(target_path: Path, source_path: Path, source_commit: str, target_branch: str,
          target_commit: str, message: str, author: str, *,
          dry_run: bool = False) -> MergeResult:
    """Merge ``source_commit`` of the repository at ``source_path`` into the
    named branch ``target_branch`` of the one at ``target_path``, whose only
    head must be ``target_commit``. A source descending from the target on
    the same branch is fast-forwarded (no merge commit). See
    :meth:`Repository.merge` for the statuses."""
    try:
        return _merge(Path(os.path.abspath(target_path)), Path(os.path.abspath(source_path)),
                      source_commit, target_branch, target_commit, message, author, dry_run)
    except VCSError as exc:
        return MergeResult(MergeStatus.ERROR, message=str(exc))
    except Exception as exc:  # noqa: BLE001 - Mercurial raises many types; report any
        return MergeResult(MergeStatus.ERROR, message=hg_backend.hg_message(exc))
