"""The permission generation: a number in the database that grows with every transaction that
could change someone's effective permissions, bumped inside that very transaction.

Caches of permission maps (permissions/map_cache.py) are keyed by it. Because the bump commits
or rolls back together with the change, a process that reads the generation and *then* the
permission rows gets rows at least as new as the generation (READ COMMITTED; a SQLite reader
sees one snapshot), so no process can keep an answer across another's committed change, and a
change that rolls back leaves the generation as it was.

The bump is made in one place, by Session events every session of the application carries
(:func:`watch`, called where the session factory is made), not by each service: a flush that
inserts, deletes or changes a permission-relevant column of a relevant row, and an ORM-enabled
bulk ``insert()/update()/delete()`` on a relevant table, mark the transaction as changing
permissions; as it commits, one ``UPDATE`` bumps the generation, the transaction's last
statement. Bumping at the first change instead would hold the generation's row lock
(PostgreSQL) for the rest of the transaction, slow work included, serialising every other
permission change behind it and risking deadlocks with the rows it locks afterwards.

Writes that bypass the session (``session.connection().execute(...)``, an engine's own
connection, a ``Session`` not made by the factory) are not seen: services write through
``uow.db``.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from vcshub.db.models import (
    PermissionGeneration,
    RepoGroup,
    RepoGroupUserGroupPermission,
    RepoGroupUserPermission,
    Repository,
    RepoUserGroupPermission,
    RepoUserPermission,
    User,
    UserGlobalPermission,
    UserGroup,
    UserGroupGlobalPermission,
    UserGroupMember,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
)

# Rows whose every insert, change and delete may change a map.
_ROW_MODELS = (
    UserGlobalPermission,
    UserGroupGlobalPermission,
    RepoUserPermission,
    RepoUserGroupPermission,
    RepoGroupUserPermission,
    RepoGroupUserGroupPermission,
    UserGroupUserPermission,
    UserGroupUserGroupPermission,
    UserGroupMember,
)
# Objects whose insert and delete change maps, but of whose columns only these do. A
# repository's group is not among them: rows are copied down when granted, never implied by
# where a repository lives (permissions/effective.py). Names are: maps are keyed by id, but
# the reports made from them by name (get_user's ``permissions``) are cached with them, and a
# rename is rare. Relationship names stand beside their foreign keys: ``repo.owner = u`` sets
# ``owner_id`` only during the flush, and ``group.members.remove(m)`` deletes ``m`` only then.
_WATCHED = {
    User: frozenset({"admin", "active", "inherit_default_permissions", "username"}),
    UserGroup: frozenset({"active", "inherit_default_permissions", "members", "group_name"}),
    Repository: frozenset({"owner_id", "owner", "private", "repo_name"}),
    RepoGroup: frozenset({"owner_id", "owner", "parent_id", "parent", "group_name"}),
}
_WATCHED.update({model: None for model in _ROW_MODELS})  # None: every column counts
_WATCHED_TABLES = {model.__table__.name: columns for model, columns in _WATCHED.items()}

# session.info keys. CHANGED: this transaction changed permissions (its maps are uncommitted:
# never share them), so it bumps as it commits; cleared when the outermost transaction ends.
# CHANGES: how many flushes or statements of this session changed permissions, never reset, so
# that maps computed before one are known to be outdated.
CHANGED = "vcshub.permissions.changed"
CHANGES = "vcshub.permissions.changes"
# The generation as read along with this transaction's first statement (the API's token
# lookup: a query less per call). Forgotten when the transaction ends or changes permissions.
READ_ALONG = "vcshub.permissions.read_along"

_TABLE = PermissionGeneration.__table__
_BUMP = update(_TABLE).where(_TABLE.c.id == 1).values(value=_TABLE.c.value + 1)


def watch(sessions: sessionmaker[Session]) -> None:
    """Make every session of ``sessions`` bump the generation as it changes permissions."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "do_orm_execute", _before_bulk_statement)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_transaction_end", _after_transaction_end)


_VALUE = select(PermissionGeneration.value).where(PermissionGeneration.id == 1)


def read(db: Session) -> int | None:
    """The generation (None: no row, then nothing may be cached). Read through the session,
    so that it autoflushes: pending changes of this unit are marked before it is read.

    A value read along earlier in this transaction (:func:`remember`) is as good: rows read
    after it are at least as new, whichever process commits in between."""
    if READ_ALONG in db.info:
        if db.autoflush:
            db.flush()  # what reading would have done; it may mark a change and forget it
        if READ_ALONG in db.info:
            return db.info[READ_ALONG]
    return db.scalar(_VALUE)


def as_column():
    """The generation as a scalar sub-select, to read it along with another statement."""
    return _VALUE.scalar_subquery()


def remember(db: Session, value: int | None) -> None:
    """Keep ``value``, read along with a statement of this transaction before any permission
    row, for :func:`read` (until the transaction ends or changes permissions)."""
    db.info[READ_ALONG] = value


def changed_here(db: Session) -> bool:
    """Whether this transaction changed permissions (and so its maps must not be shared)."""
    return db.info.get(CHANGED, False)


def changes_seen(db: Session) -> int:
    return db.info.get(CHANGES, 0)


def _changed(db: Session) -> None:
    db.info.pop(READ_ALONG, None)  # its commit bumps the generation: read it again after
    db.info[CHANGED] = True
    db.info[CHANGES] = db.info.get(CHANGES, 0) + 1


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction bumps, if it commits
    session.flush()  # the commit's own flush comes after this hook: its changes count too
    if changed_here(session):
        session.connection().execute(_BUMP)


def _before_flush(session: Session, _context, _instances) -> None:
    if any(_relevant(obj, created_or_deleted=True) for obj in (*session.new, *session.deleted)) \
            or any(_relevant(obj, created_or_deleted=False) for obj in session.dirty):
        _changed(session)


def _relevant(obj: object, *, created_or_deleted: bool) -> bool:
    columns = _WATCHED.get(type(obj), False)
    if columns is False:
        return False
    if created_or_deleted:
        return True
    state = inspect(obj)
    keys = state.mapper.attrs.keys() if columns is None else columns
    return any(state.attrs[key].history.has_changes() for key in keys)


def _before_bulk_statement(execute_state) -> None:
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    statement = execute_state.statement
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    if name not in _WATCHED_TABLES or name == _TABLE.name:
        return
    columns = _WATCHED_TABLES[name]
    if execute_state.is_update and columns is not None:
        changed = _updated_columns(statement, execute_state.parameters)
        if changed is not None and not (changed & columns):
            return  # e.g. a repository's lock: nobody's permissions change
    _changed(execute_state.session)


def _updated_columns(statement, parameters) -> set[str] | None:
    """The column names an UPDATE sets, or None when they cannot be told (then it bumps)."""
    values = getattr(statement, "_values", None)
    if values:
        return {getattr(key, "key", key) for key in values}
    rows = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    if rows and all(isinstance(row, dict) for row in rows):
        return {key for row in rows for key in row}
    return None


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
        session.info.pop(READ_ALONG, None)
