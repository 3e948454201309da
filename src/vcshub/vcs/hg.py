"""Mercurial backend, through Mercurial's own Python API.

Mercurial repo objects are not thread-safe: every HgRepository opens its
own handle and must not be shared between threads.
"""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path

from mercurial import encoding, error, hg, repair, scmutil
from mercurial import node as hgnode
from mercurial import ui as uimod
from mercurial.interfaces import repository as hgrepository

from .base import Commit, Repository, option_like
from .errors import CloneError, CommitNotFound, RepositoryError, RepositoryNotFound
from . import hg_history, hg_last_changes, hg_merge, hg_remote, hg_write
from .remote_transfer import TransferLimits
from .hg_commit import HgCommit, diff_text, get_node, list_nodes, to_str
from .merges import MergeResult
from .nodes import Node

try:
    # Mercurial >= 7.1 registers bundle2 part handlers, revset predicates,
    # etc. only through this module; without it a pull fails with
    # "missing support for changegroup".
    from mercurial import initialization as _initialization
except ImportError:  # pragma: no cover - older Mercurial
    _initialization = None
else:
    _initialization.init()

try:  # Mercurial >= 7.2 moved clone out of the hg module.
    from mercurial.cmd_impls.clone import clone as _hg_clone
except ImportError:  # pragma: no cover - older Mercurial
    _hg_clone = hg.clone

# Metadata is stored as UTF-8; without this Mercurial transcodes it to the
# locale's charset, turning non-ASCII text into "?" under a C locale.
encoding.encoding = b"utf-8"

# Files whose change means another process altered the repository.
_STAMP_FILES = ("store/00changelog.i", "bookmarks", "store/phaseroots")
# Where vcshub keeps a default branch other than "default" (see default_branch).
_DEFAULT_BRANCH_FILE = ("vcshub", "default-branch")


def make_ui() -> uimod.ui:
    """A quiet, non-interactive ui that ignores user/system hgrc files."""
    ui = uimod.ui()
    for section, name, value in (
        (b"ui", b"quiet", b"true"),
        (b"ui", b"interactive", b"false"),
        (b"ui", b"paginate", b"false"),
        (b"ui", b"ssh", b"ssh -o BatchMode=yes"),
        (b"progress", b"disable", b"true"),
    ):
        ui.setconfig(section, name, value, b"vcshub")
    # Status chatter would go to the server's stdout; keep it in memory.
    ui.fout = io.BytesIO()
    ui.ferr = io.BytesIO()
    return ui


def hg_message(exc: BaseException) -> str:
    """Readable text of a Mercurial exception (they carry bytes)."""
    message = getattr(exc, "message", None)
    if isinstance(message, bytes):
        text = to_str(message)
        hint = getattr(exc, "hint", None)
        return f"{text} ({to_str(hint)})" if isinstance(hint, bytes) else text
    if exc.args and isinstance(exc.args[0], bytes):
        return to_str(exc.args[0])
    return str(exc) or type(exc).__name__


def clone(source: str, dest: Path) -> None:
    """Clone the local repository ``source`` into the new folder ``dest`` without a checkout,
    in this process (merge scratch copies; anything remote goes through :mod:`hg_remote`)."""
    ui = make_ui()
    try:
        _hg_clone(ui, {}, os.fsencode(source), os.fsencode(str(dest)),
                  update=False)
    except Exception as exc:  # noqa: BLE001 - any failure is a clone failure
        raise CloneError(f"hg clone failed: {hg_message(exc)}") from None


# The action housekeep reports (the ``maintenance`` API method lists it).
UPDATE_CACHES = "update caches: branch heads, tags, branch names of revisions"


class HgRepository(Repository):
    """A Mercurial repository (no working copy is used)."""

    kind = "hg"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._ui = make_ui()
        self._stamp = None
        self._hg = self._open()

    def _open(self):
        try:
            repo = hg.repository(self._ui, os.fsencode(str(self.path)))
        except error.RepoError as exc:
            raise RepositoryNotFound(f"no hg repository at {self.path}: "
                                     f"{hg_message(exc)}") from None
        self._stamp = self._read_stamp()
        return repo

    def _read_stamp(self) -> tuple:
        stamp = []
        for name in _STAMP_FILES:
            try:
                st = os.stat(os.path.join(self.path, ".hg", name))
                stamp.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    @property
    def repo(self):
        """The Mercurial repo object, reopened if another process changed
        the repository since it was loaded."""
        if self._read_stamp() != self._stamp:
            self._hg = self._open()
        return self._hg

    @classmethod
    def create(cls, path: Path) -> "HgRepository":
        """Create a new repository at ``path``."""
        try:
            hg.repository(make_ui(), os.fsencode(str(path)), create=True)
        except Exception as exc:  # noqa: BLE001
            raise RepositoryError(f"cannot create hg repository: {hg_message(exc)}") from None
        return cls(path)

    # -- refs ---------------------------------------------------------------

    def is_empty(self) -> bool:
        """True when there is no changeset."""
        return len(self.repo) == 0

    def branches(self, closed: bool = False) -> dict[str, str]:
        """Open branches (``closed=True``: closed ones only) -> tip id."""
        result = {}
        branchmap = self.repo.branchmap()
        for name in branchmap:
            # A branch is closed when none of its heads is open.
            is_closed = not branchmap.branchheads(name)
            if is_closed == closed:
                result[to_str(name)] = hgnode.hex(branchmap.branchtip(name)).decode()
        return result

    def tags(self) -> dict[str, str]:
        """Tags (without the implicit "tip")."""
        return {to_str(name): hgnode.hex(node).decode()
                for name, node in self.repo.tags().items() if name != b"tip"}

    def bookmarks(self) -> dict[str, str]:
        """Bookmark name -> changeset id."""
        return {to_str(name): hgnode.hex(node).decode()
                for name, node in self.repo._bookmarks.items()}

    def ref_heads(self) -> dict[str, str]:
        """``refs/branches/<name>`` (tip of every branch, closed ones too),
        ``refs/bookmarks/<name>``, ``refs/tags/<name>`` -> changeset id."""
        repo = self.repo
        branchmap = repo.branchmap()
        result = {f"refs/branches/{to_str(name)}": hgnode.hex(branchmap.branchtip(name)).decode()
                  for name in branchmap}
        result.update({f"refs/bookmarks/{k}": v for k, v in self.bookmarks().items()})
        result.update({f"refs/tags/{k}": v for k, v in self.tags().items()})
        return result

    @property
    def description(self) -> str | None:
        """``[web] description`` of the repository's hgrc (what hgweb shows)."""
        value = self.repo.ui.config(b"web", b"description") or b""
        return to_str(value).strip() or None

    # Mercurial has no server-side HEAD: `hg clone` updates to the `@` bookmark, else to the
    # tip of the branch named "default", and hgweb shows "default". So that is the default
    # branch unless an administrator chose another one for vcshub's own choices (where the
    # web commits, what a pull request targets). The choice is kept in a file of its own
    # under .hg, outside the history: a bookmark would travel to every clone and come back
    # with pushes, and hgrc is the administrator's file, not ours to rewrite.
    def _default_branch_file(self) -> Path:
        return self.path.joinpath(".hg", *_DEFAULT_BRANCH_FILE)

    @property
    def default_branch(self) -> str:
        """"default", or the branch set with :meth:`set_default_branch` while it exists (or
        nothing has been committed yet)."""
        try:
            chosen = self._default_branch_file().read_text(encoding="utf-8").strip()
        except OSError:
            return "default"
        if chosen and (self.is_empty() or chosen.encode("utf-8") in self.repo.branchmap()):
            return chosen
        return "default"

    def set_default_branch(self, name: str) -> None:
        """Keep ``name`` as the default branch ("default" forgets the choice)."""
        if not name or name != name.strip() or "\n" in name or ":" in name:
            raise RepositoryError(f"invalid branch name {name!r}")
        target = self._default_branch_file()
        try:
            if name == "default":
                target.unlink(missing_ok=True)
                return
            target.parent.mkdir(exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            partial.write_text(name + "\n", encoding="utf-8")
            os.replace(partial, target)
        except OSError as exc:
            raise RepositoryError(f"cannot keep the default branch: {exc}") from None

    # -- commits ------------------------------------------------------------

    def _ctx(self, rev):
        repo = self.repo
        if rev is None or rev == "tip":
            ctx = repo[b"tip"]
        elif isinstance(rev, bool):
            raise CommitNotFound(f"invalid revision {rev!r}")
        elif isinstance(rev, int):
            if not 0 <= rev < len(repo):
                raise CommitNotFound(f"no commit with index {rev}")
            try:
                ctx = repo[rev]
            except error.RepoLookupError:
                raise CommitNotFound(f"no commit with index {rev}") from None
        elif option_like(rev):
            raise CommitNotFound(f"invalid revision {rev.strip()!r}")
        elif isinstance(rev, str) and rev.strip():
            try:
                ctx = scmutil.revsymbol(repo, rev.strip().encode("utf-8"))
            except error.AmbiguousPrefixLookupError:
                raise CommitNotFound(f"ambiguous revision {rev!r}") from None
            except (error.RepoLookupError, error.LookupError, error.ProgrammingError,
                    error.Abort, ValueError, TypeError):
                raise CommitNotFound(f"unknown revision {rev!r}") from None
        else:
            raise CommitNotFound(f"invalid revision {rev!r}")
        if ctx.rev() is None or ctx.rev() == hgnode.nullrev:
            raise CommitNotFound(f"no commit for {rev!r}" if rev is not None
                                 else "repository is empty")
        return ctx

    def get_commit(self, rev: str | int | None = None) -> HgCommit:
        """Resolve a revision: id, short id, local number (int or digit
        string), "tip", branch, tag or bookmark."""
        return HgCommit(self, self._ctx(rev))

    def commits(self, start: str | int | None = None,
                limit: int | None = None) -> list[Commit]:
        """Changesets by ascending revision number from ``start``."""
        repo = self.repo
        if start is None:
            first = 0
        elif isinstance(start, int) and not isinstance(start, bool):
            first = max(start, 0)
        else:
            first = self._ctx(start).rev()
        revs = repo.changelog.revs(start=first)
        if limit is not None and limit >= 0:
            revs = itertools.islice(revs, limit)
        return [HgCommit(self, repo[r]) for r in revs]

    def commit_count(self) -> int:
        """Number of changesets."""
        return len(self.repo)

    # -- trees and diffs ----------------------------------------------------

    def get_nodes(self, rev, path: str = "", recursive: bool = True) -> list[Node]:
        """Flat listing of the tree below ``path`` (see Repository)."""
        return list_nodes(self._ctx(rev), path, recursive)

    def get_node(self, rev, path: str) -> Node:
        """The file or directory at ``path``."""
        return get_node(self._ctx(rev), path)

    def diff(self, old_rev, new_rev, path: str | None = None, context: int = 3, *,
             renames: bool = False, ignore_whitespace: bool = False) -> str:
        """Git-style diff between two revisions (``old_rev`` None: from
        the empty repository)."""
        new = self._ctx(new_rev)
        if old_rev is None or old_rev == "0" * 40:
            old = self.repo[hgnode.nullrev]
        else:
            old = self._ctx(old_rev)
        return diff_text(self.repo, old, new, path, context, renames=renames,
                         ignore_whitespace=ignore_whitespace)

    def file_history(self, rev, path: str, skip: int = 0, limit: int = 50):
        """See :meth:`HistoryReader.file_history` (the filelog, through copies)."""
        return hg_history.file_history(self, rev, path, skip, limit)

    def annotate(self, rev, path: str):
        """See :meth:`HistoryReader.annotate` (``hg annotate --follow``)."""
        return hg_history.annotate(self, rev, path)

    def last_changes(self, rev, path: str, names, budget: float):
        """See :meth:`HistoryReader.last_changes` (the changelog's file lists)."""
        return hg_last_changes.last_changes(self, rev, path, names, budget)

    # -- maintenance --------------------------------------------------------

    def housekeep(self, full: bool = False) -> list[str]:
        """Warm every cache Mercurial keeps (branch heads, tags, branch names of revisions:
        what ``hg debugupdatecaches`` does), so that no reader pays for it. Skipped while a
        push holds the lock: the push updates them itself. ``full`` changes nothing: the
        caches are all there is to keep."""
        repo = self.repo
        try:
            with repo.wlock(wait=False), repo.lock(wait=False):
                repo.updatecaches(caches=hgrepository.CACHES_ALL)
        except error.LockHeld:
            return []
        except (error.Abort, OSError) as exc:
            raise RepositoryError(f"hg cache update failed: {hg_message(exc)}") from None
        return [UPDATE_CACHES]

    def fetch(self, source: str, limits: TransferLimits = hg_remote.DEFAULT_LIMITS) -> None:
        """Pull every changeset, bookmark and phase from ``source`` (in a child process:
        see :mod:`hg_remote`)."""
        try:
            hg_remote.pull(self.path, source, limits)
        finally:
            self._hg = self._open()

    def strip_preview(self, rev: str, branch: str | None = None) -> list[str]:
        ctx = self._ctx(rev)
        repo = self.repo
        return [hgnode.hex(repo[r].node()).decode()
                for r in sorted(repo.revs(b"descendants(%d)", ctx.rev()))]

    def strip(self, rev: str, branch: str | None = None) -> None:
        """Remove ``rev`` and all its descendants (``branch`` is ignored).
        A bundle of what was removed is kept in ``.hg/strip-backup``."""
        ctx = self._ctx(rev)
        repo = self.repo
        try:
            with repo.wlock(), repo.lock():
                repair.strip(self._ui, repo, [ctx.node()], backup=True)
        except error.Abort as exc:
            raise RepositoryError(f"strip failed: {hg_message(exc)}") from None
        finally:
            self._hg = self._open()

    def new_commits(self, old_heads: list[str], new_heads: list[str]) -> list[str]:
        repo = self.repo
        known = [h.encode() for h in old_heads if hgnode.bin(h.encode()) in repo]
        wanted = [h.encode() for h in new_heads]
        if not wanted:
            return []
        revs = repo.revs(b"only(%ls, %ls)", wanted, known) if known else repo.revs(b"::%ls", wanted)
        return [hgnode.hex(repo[r].node()).decode() for r in sorted(revs)]

    def commit_files(self, files, message: str, author: str, branch: str | None = None) -> str:
        result = hg_write.commit_files(self.repo, files, message, author, branch or self.default_branch)
        self._invalidate_after_write()
        return result

    def merge(self, source_path: Path, source_commit: str, target_branch: str,
              target_commit: str, message: str, author: str, *,
              dry_run: bool = False) -> MergeResult:
        """See :meth:`Repository.merge` and :func:`hg_merge.merge`."""
        result = hg_merge.merge(self.path, source_path, source_commit, target_branch,
                                target_commit, message, author, dry_run=dry_run)
        self._invalidate_after_write()
        return result

    def common_ancestor(self, source_path: Path, source_commit: str,
                        target_commit: str) -> str | None:
        """See :meth:`Repository.common_ancestor`."""
        return hg_merge.common_ancestor(self.path, source_path, source_commit, target_commit)

    def commits_to_merge(self, source_path: Path, source_commit: str,
                         target_commit: str) -> list[str]:
        """See :meth:`Repository.commits_to_merge`."""
        return hg_merge.commits_to_merge(self.path, source_path, source_commit, target_commit)
