"""Reading the journal (what :mod:`.journal` records): the signed-in user's journal — the
activity of the repositories he follows and his own — and the public journal, what anonymous
visitors may see. Both newest first, a page at a time, for the pages and their feeds.

Only entries of repositories the reader may read are shown, decided with one bulk permission
computation (``EffectivePermissions.repos``), never per entry. Entries of repositories that
were deleted since (``repo_id`` NULL) are shown to administrators only: their names alone may
be private.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import or_, select

from vcshub.db.models import JournalEntry, Repository, User, UserFollowing
from vcshub.permissions.caller import Caller
from vcshub.services import vcs_access
from vcshub.services.unit_of_work import UnitOfWork

JOURNAL_PAGE = 20
_FEW = 500  # up to this many repositories, filter in SQL; beyond, filter the rows read
_SCAN = 200  # rows read at a time when filtering outside SQL
_REF_KINDS = {"branch": "branch", "tag": "tag", "book": "bookmark"}


@dataclass(frozen=True)
class RefMove:
    kind: str  # branch, tag, bookmark
    name: str
    old: str | None  # None: created
    new: str | None  # None: deleted


@dataclass(frozen=True)
class JournalItem:
    entry_id: int
    username: str
    repo_name: str  # its name now (deleted: the name it had)
    repo_exists: bool
    action: str  # "push", or a creation task's "repo_created" / "repo_creation_failed"
    refs: list[RefMove]
    commit_ids: list[str]  # the commits the push brought, as recorded
    created_on: dt.datetime  # aware, UTC


@dataclass(frozen=True)
class JournalPage:
    items: list[JournalItem]
    page: int
    has_next: bool


def user_journal(uow: UnitOfWork, user: User, page: int = 1,
                 per_page: int = JOURNAL_PAGE) -> JournalPage:
    """The journal of ``user``: entries of the repositories he follows and his own entries,
    of repositories he may read."""
    caller = Caller(uow.db, user)
    followed = set(uow.db.scalars(
        select(UserFollowing.follows_repo_id).where(UserFollowing.user_id == user.user_id)))
    own_repos = set(uow.db.scalars(
        select(JournalEntry.repo_id).distinct().where(JournalEntry.user_id == user.user_id,
                                                      JournalEntry.repo_id.is_not(None))))
    candidates = followed | own_repos
    readable = _readable(caller, candidates)
    mine = JournalEntry.user_id == user.user_id
    if caller.is_admin:  # every repository, deleted ones too
        where = [or_(JournalEntry.repo_id.in_(followed), mine)] if followed else [mine]
        return _page(uow, where, None, page, per_page)
    where = [or_(JournalEntry.repo_id.in_(followed & readable), mine)]
    return _page(uow, where, readable, page, per_page)


def public_journal(uow: UnitOfWork, page: int = 1, per_page: int = JOURNAL_PAGE) -> JournalPage:
    """Entries of the repositories anonymous visitors may read (none when anonymous access is
    off)."""
    anonymous = vcs_access.anonymous_user(uow)
    if anonymous is None:
        return JournalPage([], page, False)
    readable = _readable(Caller(uow.db, anonymous), None)
    return _page(uow, [], readable, page, per_page)


def _readable(caller: Caller, ids: Collection[int] | None) -> set[int]:
    """Of ``ids`` (None: all repositories), those ``caller`` may read: one bulk computation."""
    if ids is not None and not ids:
        return set()
    return {repo_id for repo_id, perm in caller.perms.repos(ids).items()
            if perm != "repository.none"}


def _page(uow: UnitOfWork, where: list, readable: set[int] | None, page: int,
          per_page: int) -> JournalPage:
    """Page ``page`` of the entries matching ``where`` whose repository is in ``readable``
    (None: no limit), newest first."""
    page = max(page, 1)
    skip, wanted = (page - 1) * per_page, per_page + 1
    query = select(JournalEntry).where(*where).order_by(
        JournalEntry.created_on.desc(), JournalEntry.entry_id.desc())
    if readable is None or len(readable) <= _FEW:
        if readable is not None:
            if not readable:
                return JournalPage([], page, False)
            query = query.where(JournalEntry.repo_id.in_(readable))
        rows = list(uow.db.scalars(query.offset(skip).limit(wanted)))
    else:  # thousands of readable repositories: an IN list that long is slower than reading
        rows, passed, offset = [], 0, 0
        while len(rows) < wanted:
            chunk = list(uow.db.scalars(query.offset(offset).limit(_SCAN)))
            offset += len(chunk)
            for entry in chunk:
                if entry.repo_id in readable:
                    if passed >= skip:
                        rows.append(entry)
                    passed += 1
            if len(chunk) < _SCAN:
                break
        rows = rows[:wanted]
    shown = rows[:per_page]
    # An entry keeps the name the repository had then; links need the name it has now.
    ids = {e.repo_id for e in shown if e.repo_id is not None}
    current = dict(uow.db.execute(select(Repository.repo_id, Repository.repo_name)
                                  .where(Repository.repo_id.in_(ids))).all()) if ids else {}
    return JournalPage([_item(e, current.get(e.repo_id)) for e in shown], page,
                       len(rows) > per_page)


def _item(entry: JournalEntry, current_name: str | None) -> JournalItem:
    refs = []
    for moved in entry.refs or []:
        kind, _, name = str(moved.get("ref", "")).partition(":")
        refs.append(RefMove(_REF_KINDS.get(kind, kind), name, moved.get("old"), moved.get("new")))
    created = entry.created_on
    created = created.replace(tzinfo=dt.UTC) if created.tzinfo is None else created.astimezone(dt.UTC)
    return JournalItem(entry.entry_id, entry.username, current_name or entry.repo_name,
                       current_name is not None, entry.action, refs,
                       list(entry.commit_ids or []), created)
