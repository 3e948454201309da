"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from vcshub.db import audit_trail, permission_generation
from vcshub.permissions.map_cache import SESSION_KEY, PermissionMapCache

# Execution option carried by a writer's connections (see writer_engine).
_WRITER = "vcshub_writer"


def create_db_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """Create an engine with the per-backend settings vcshub relies on.

    SQLite gets foreign keys (off by default there), WAL so readers do not block the writer,
    and a busy timeout so concurrent requests wait instead of failing with "database is locked".
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take it over.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Per process: with several worker processes PostgreSQL sees workers × 2 × pool_size
    # connections at most (its default max_connections is 100).
    return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size,
                         pool_pre_ping=True)


def writer_engine(engine: Engine) -> Engine:
    """The same engine (pool, settings), for a unit of work that will write.

    On SQLite its transactions begin with ``BEGIN IMMEDIATE``; PostgreSQL needs nothing: its
    writers wait for each other's row locks by themselves.
    """
    return engine.execution_options(**{_WRITER: True})


def _sqlite_begin(conn) -> None:
    """Writers take SQLite's write lock as they begin; readers never take it.

    A deferred ``BEGIN`` that has read and then writes must upgrade to the write lock. In WAL
    mode that upgrade fails at once with SQLITE_BUSY when another writer holds the lock or has
    committed since this transaction's snapshot: the busy timeout cannot help, since waiting
    would not make the snapshot current. Of N such writers started together, one succeeded.
    ``BEGIN IMMEDIATE`` waits (busy timeout) for the write lock before reading anything, so
    writers queue and all succeed. Readers keep the deferred ``BEGIN``: under WAL they read a
    snapshot and never wait for a writer, so taking the lock for them would only serialise
    every page view and clone behind the writers.
    """
    writer = conn.get_execution_options().get(_WRITER, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Reads through the OS page cache without a copy per page (the file is small next to it);
    # every worker process maps the same pages.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def create_session_factory(
    engine: Engine, permission_maps: PermissionMapCache | None = None,
    origin: audit_trail.Origin = audit_trail.SYSTEM,
) -> sessionmaker[Session]:
    """The factory of every session of a process (API, web, CLI, transport, tasks).

    Its sessions bump the permission generation as they change permissions, record audited
    changes as they commit (as ``origin`` until an adapter says who acts: the console makes
    its factory with the ``cli`` origin), and carry the process's one cache of permission maps
    (``permission_maps``, or a new one) in ``session.info``: a process makes one factory, so
    one cache.
    """
    if permission_maps is None:
        permission_maps = PermissionMapCache()
    sessions = sessionmaker(
        bind=engine, expire_on_commit=False, autoflush=True,
        info={SESSION_KEY: permission_maps, audit_trail.ORIGIN: origin},
    )
    permission_generation.watch(sessions)
    audit_trail.watch(sessions)
    return sessions
