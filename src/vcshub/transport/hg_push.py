"""Mercurial as vcshub's server, over HTTP (hgweb) and SSH (``hg serve --stdio``) alike: its
settings, and what a push changed, noted by hooks on the repository's transactions for the
journal."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from vcshub.services import journal

log = logging.getLogger(__name__)


@dataclass
class HgPush:
    """What this request's transactions changed (filled in by the hooks below)."""

    before: journal.RefState | None = None  # refs when the first transaction opened
    commit_ids: list[str] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)
    tags_changed: bool = False
    committed: bool = False

    def claim(self) -> journal.PushClaim:
        return journal.PushClaim(
            refs=frozenset(self.refs),
            commit_ids=tuple(self.commit_ids),
            whole_kinds=frozenset({"tag"}) if self.tags_changed else frozenset(),
        )


def serving_ui():
    """A ui for serving: no user or system hgrc (the server's behaviour must not depend on
    them); the caller adds who may push."""
    from mercurial import ui as uimod

    ui = uimod.ui()
    for section, name, value in (
        (b"web", b"push_ssl", b"false"),
        (b"web", b"allow-read", b"*"),
        (b"ui", b"report_untrusted", b"false"),
        (b"ui", b"interactive", b"false"),
        (b"server", b"validate", b"true"),
        # Clones copy the store's files (stream clones) instead of computing a bundle, when the
        # client can: on a local network that is the fastest clone there is. Read permission
        # was checked at admission; with secret changesets Mercurial refuses to stream
        # (server.uncompressedallowsecret stays off), so phases stay right.
        (b"server", b"uncompressed", b"true"),
        (b"server", b"preferuncompressed", b"true"),
    ):
        ui.setconfig(section, name, value, b"vcshub")
    return ui


def watch(ui, push: HgPush, repo_path: Path, repo_name: str) -> None:
    """Install the hooks that fill ``push`` on the transactions of repositories opened with ``ui``."""
    ui.setconfig(b"hooks", b"pretxnopen.vcshub", _before_transaction(push, repo_path, repo_name), b"vcshub")
    ui.setconfig(b"hooks", b"pretxnclose.vcshub", _transaction_closing(push, repo_name), b"vcshub")


def _before_transaction(push: HgPush, repo_path: Path, repo_name: str):
    """Snapshot the refs while hg holds the repository lock: nobody else is pushing."""

    def hook(ui, repo, **kwargs) -> bool:
        try:
            if push.before is None:
                push.before = journal.snapshot_at(repo_path, "hg")
        except Exception:  # a failing hook would abort the push: the journal is not worth that
            log.exception("hg pre-transaction snapshot failed for %s", repo_name)
        return False

    return hook


def _transaction_closing(push: HgPush, repo_name: str):
    """Note the changesets and bookmarks this transaction adds (still under the lock)."""

    def hook(ui, repo, **kwargs) -> bool:
        try:
            _note_changes(push, repo)
        except Exception:
            log.exception("hg pre-close hook failed for %s", repo_name)
        return False

    return hook


def _note_changes(push: HgPush, repo) -> None:
    transaction = repo.currenttransaction()
    if transaction is None:
        return
    unfiltered = repo.unfiltered()
    for rev in range(transaction.changes[b"origrepolen"], len(unfiltered)):
        ctx = unfiltered[rev]
        push.commit_ids.append(ctx.hex().decode())
        push.refs.add("branch:" + ctx.branch().decode("utf-8", "replace"))
        push.tags_changed = push.tags_changed or b".hgtags" in ctx.files()
    for name in transaction.changes[b"bookmarks"]:
        push.refs.add("book:" + name.decode("utf-8", "replace"))
    push.committed = True
