"""The audit trail: every change of an audited object is recorded in the transaction that makes
it, with who made it, from which address, by which way in, and the values before and after.

Recorded in one place, by Session events every session of the application carries (like the
permission generation, db/permission_generation.py), not by each service: a flush that
inserts, changes or deletes an audited row (:data:`AUDITED`) and an ORM-enabled bulk
``update()``/``delete()`` on an audited table add entries; they are written as the
transaction commits, so a change and its entry commit or roll back together, and no writing
service can forget its entry — a new service writes through the same session. A new model must
be listed in :data:`AUDITED` or :data:`NOT_AUDITED` (tests/services/test_audit_trail.py
enumerates the mapped models).

Who acted comes from the adapter that authenticated the request (:func:`set_origin`: the API
after the token, the web after the session or basic credentials, git/hg after admission, the
console): ``via`` is ``api``, ``web``, ``vcs``, ``cli`` or ``system`` (no origin: the server's
own jobs). Sign-ins and failed sign-ins change nothing audited and are recorded explicitly
(:func:`record`, or :func:`write_now` for a failure, whose unit of work rolls back).

Secrets never reach the trail: a column whose name says it holds one (password, hash, sealed
copy, secret, session key) is recorded as changed, with a mask for its value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, event, inspect, insert
from sqlalchemy.exc import CompileError
from sqlalchemy.orm import Session, sessionmaker

from vcshub.db.models import (
    AuditEntry,
    AuthToken,
    Comment,
    CommentVersion,
    Gist,
    JournalEntry,
    LoginFailure,
    NodeProcess,
    PermissionGeneration,
    PullRequest,
    PullRequestReviewer,
    PullRequestVersion,
    RepoField,
    RepoGroup,
    RepoGroupUserGroupPermission,
    RepoGroupUserPermission,
    Repository,
    RepoSetting,
    RepoUserGroupPermission,
    RepoUserPermission,
    ReviewStatus,
    Setting,
    TaskRun,
    User,
    UserEmail,
    UserFollowing,
    UserGlobalPermission,
    UserGroup,
    UserGroupGlobalPermission,
    UserGroupMember,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
    UserIpAddress,
    UserSshKey,
)
from vcshub.db.models.base import utcnow

MASK = "********"
_SECRET = re.compile(r"password|hash|sealed|secret|session_key")
ORIGIN = "vcshub.audit.origin"
_PENDING = "vcshub.audit.pending"


@dataclass(frozen=True)
class Origin:
    """Who acts in a unit of work, from where, and by which way in."""

    via: str
    user_id: int | None = None
    username: str | None = None
    ip: str | None = None


SYSTEM = Origin("system")


@dataclass(frozen=True)
class Audited:
    """How a model's rows appear in the trail: the object they belong to and the action's
    stem (``.create``/``.edit``/``.delete`` is added, or ``.add``/``.edit``/``.delete`` for
    rows that belong to another object: an e-mail, a member, a grant)."""

    object_type: str
    stem: str
    object_id: str  # attribute holding the id of the object the entry is about
    name: Callable[[dict], str | None] = lambda values: None
    part: bool = False  # a row of another object (verbs add/delete)
    ignored: frozenset[str] = frozenset()  # columns whose changes are no one's action


def _key(name: str) -> Callable[[dict], str | None]:
    return lambda values: values.get(name)


_GRANT = {"part": True}
AUDITED: dict[type, Audited] = {
    User: Audited("user", "user", "user_id", _key("username"),
                  ignored=frozenset({"last_login"})),
    UserEmail: Audited("user", "user.edit.email", "user_id", _key("email"), **_GRANT),
    UserIpAddress: Audited("user", "user.edit.ip", "user_id", _key("ip_addr"), **_GRANT),
    AuthToken: Audited("user", "user.edit.token", "user_id", _key("token_prefix"), **_GRANT),
    UserSshKey: Audited("user", "user.edit.ssh_key", "user_id", _key("fingerprint"),
                        ignored=frozenset({"last_used"}), **_GRANT),
    UserGlobalPermission: Audited("user", "user.edit.global_permissions", "user_id",
                                  _key("permission"), **_GRANT),
    UserGroup: Audited("user_group", "user_group", "users_group_id", _key("group_name")),
    UserGroupMember: Audited("user_group", "user_group.edit.member", "users_group_id", **_GRANT),
    UserGroupGlobalPermission: Audited("user_group", "user_group.edit.global_permissions",
                                       "users_group_id", _key("permission"), **_GRANT),
    UserGroupUserPermission: Audited("user_group", "user_group.edit.permissions",
                                     "target_group_id", **_GRANT),
    UserGroupUserGroupPermission: Audited("user_group", "user_group.edit.permissions",
                                          "target_group_id", **_GRANT),
    Repository: Audited("repo", "repo", "repo_id", _key("repo_name"),
                        ignored=frozenset({"changeset_cache", "size_bytes", "updated_on"})),
    RepoUserPermission: Audited("repo", "repo.edit.permissions", "repo_id", **_GRANT),
    RepoUserGroupPermission: Audited("repo", "repo.edit.permissions", "repo_id", **_GRANT),
    RepoField: Audited("repo", "repo.edit.fields", "repo_id", _key("field_key"), **_GRANT),
    UserFollowing: Audited("user", "user.edit.following", "user_id", **_GRANT),
    RepoGroup: Audited("repo_group", "repo_group", "group_id", _key("group_name")),
    RepoGroupUserPermission: Audited("repo_group", "repo_group.edit.permissions", "group_id",
                                     **_GRANT),
    RepoGroupUserGroupPermission: Audited("repo_group", "repo_group.edit.permissions",
                                          "group_id", **_GRANT),
    Setting: Audited("settings", "settings", "name", _key("name")),
    PullRequest: Audited("pull_request", "repo.pull_request", "pull_request_id", _key("title"),
                         ignored=frozenset({"updated_on"})),
    PullRequestReviewer: Audited("pull_request", "repo.pull_request.reviewer",
                                 "pull_request_id", **_GRANT),
    PullRequestVersion: Audited("pull_request", "repo.pull_request.version", "pull_request_id",
                                **_GRANT),
    Comment: Audited("comment", "comment", "comment_id"),
    RepoSetting: Audited("repo", "repo.edit.settings", "repo_id", _key("name"), **_GRANT),
    ReviewStatus: Audited("repo", "repo.vote", "repo_id", _key("status"), **_GRANT),
    Gist: Audited("gist", "gist", "gist_id", _key("access_id")),
}
# Models whose rows are not audited, and why.
NOT_AUDITED: dict[type, str] = {
    AuditEntry: "the trail itself",
    JournalEntry: "itself a record of pushes and pulls (the journal)",
    PermissionGeneration: "a counter bumped by every permission change, which is audited",
    LoginFailure: "the sign-in throttle's counters; failed sign-ins are audited explicitly",
    CommentVersion: "a comment's earlier texts, kept by the comment's edit, which is audited",
    TaskRun: "background work: what it changes is audited as it changes it",
    NodeProcess: "processes seen alive, rewritten every few seconds",
}
_BY_TABLE = {model.__table__.name: (model, spec) for model, spec in AUDITED.items()}


def watch(sessions: sessionmaker[Session]) -> None:
    """Make every session of ``sessions`` record the audited changes it commits."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _bulk_statement)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", _forget)
    event.listen(sessions, "after_rollback", _forget)


def set_origin(db: Session, origin: Origin) -> None:
    """Say who acts in this session's units of work (adapters, once they know)."""
    db.info[ORIGIN] = origin


def origin_of(db: Session) -> Origin:
    return db.info.get(ORIGIN, SYSTEM)


def record(db: Session, action: str, object_type: str, object_id: int | None = None,
           object_name: str | None = None, *, before: dict | None = None,
           after: dict | None = None) -> None:
    """Add an entry that no row change implies (a sign-in); written when the unit commits."""
    db.info.setdefault(_PENDING, []).append(
        _entry(action, object_type, object_id, object_name, before, after)
    )


def write_now(engine: Engine, origin: Origin, action: str, object_type: str,
              object_id: int | None = None, object_name: str | None = None,
              after: dict | None = None) -> None:
    """Write an entry in a transaction of its own (a failed sign-in: its unit rolls back)."""
    row = _entry(action, object_type, object_id, object_name, None, after)
    with engine.begin() as conn:
        conn.execute(insert(AuditEntry.__table__), [_stamped(row, origin)])


def _entry(action, object_type, object_id, object_name, before, after) -> dict:
    # a name tried at a sign-in is the client's text: PostgreSQL refuses a NUL in text columns
    name = None if object_name is None else str(object_name).replace("\x00", "\\0")[:1024]
    return {"action": action, "object_type": object_type, "object_id": object_id,
            "object_name": name, "before": before, "after": after}


def _stamped(row: dict, origin: Origin) -> dict:
    return {**row, "created_on": utcnow(), "user_id": origin.user_id,
            "username": origin.username, "ip": origin.ip, "via": origin.via}


def _after_flush(session: Session, _context) -> None:
    pending = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        spec = AUDITED.get(type(obj))
        if spec is not None:
            values = _values(inspect(obj), spec)
            pending.append(_row_entry(spec, "create", values, None, values))
    for obj in session.deleted:
        spec = AUDITED.get(type(obj))
        if spec is not None:
            values = _values(inspect(obj), spec)
            pending.append(_row_entry(spec, "delete", values, values, None))
    for obj in session.dirty:
        spec = AUDITED.get(type(obj))
        if spec is None:
            continue
        state = inspect(obj)
        before, after = {}, {}
        for attr in state.mapper.column_attrs:
            key = attr.key
            if key in spec.ignored:
                continue
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
            before[key], after[key] = _plain(key, old), _plain(key, new)
        if after:
            pending.append(_row_entry(spec, "edit", _values(state, spec), before, after))


def _row_entry(spec: Audited, verb: str, values: dict, before, after) -> dict:
    if spec.part and verb == "create":
        verb = "add"
    action = f"{spec.stem}.{verb}"
    object_id = values.get(spec.object_id)
    return _entry(action, spec.object_type, object_id if isinstance(object_id, int) else None,
                  spec.name(values), before, after)


def _values(state, spec: Audited) -> dict:
    """The loaded column values of a row (never loading anything: this runs inside a flush)."""
    loaded = state.dict
    return {attr.key: _plain(attr.key, loaded[attr.key]) for attr in state.mapper.column_attrs
            if attr.key in loaded and attr.key not in spec.ignored}


def _plain(key: str, value: object) -> object:
    if value is not None and _SECRET.search(key):
        return MASK
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _bulk_statement(execute_state) -> None:
    """An ORM-enabled ``insert()``/``update()``/``delete()`` (grants applied to a group's
    children, say): one entry for the statement — an insert's rows as sent, an update's or a
    delete's statement, whose rows are not known one by one."""
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    name = getattr(getattr(execute_state.statement, "table", None), "name", None)
    if name not in _BY_TABLE:
        return
    _model, spec = _BY_TABLE[name]
    if execute_state.is_insert:
        rows = execute_state.parameters
        rows = rows if isinstance(rows, list) else [rows] if rows else []
        verb = "add" if spec.part else "create"
        execute_state.session.info.setdefault(_PENDING, []).append(_entry(
            f"{spec.stem}.{verb}", spec.object_type, None, None, None,
            {"rows": [{k: _plain(str(k), v) for k, v in dict(row).items()} for row in rows[:1000]],
             "count": len(rows)},
        ))
        return
    verb = "edit" if execute_state.is_update else "delete"
    try:
        text = str(execute_state.statement.compile(
            dialect=execute_state.session.get_bind().dialect,
            compile_kwargs={"literal_binds": True},
        ))
    except CompileError:  # a value without a literal form: the statement with placeholders
        text = str(execute_state.statement)
    execute_state.session.info.setdefault(_PENDING, []).append(
        _entry(f"{spec.stem}.{verb}", spec.object_type, None, None, None,
               {"statement": text[:4000]})
    )


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # the commit's own flush comes after this hook: its changes count too
    pending = session.info.pop(_PENDING, None)
    if pending:
        origin = origin_of(session)
        session.connection().execute(
            insert(AuditEntry.__table__), [_stamped(row, origin) for row in pending]
        )


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)
