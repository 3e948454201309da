"""Writing permission rows: grant, revoke, copy. Checks of who may do so live in the callers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, null, select, update

from vcshub.db.models import (
    RepoGroup,
    RepoGroupUserGroupPermission,
    RepoGroupUserPermission,
    RepoUserGroupPermission,
    RepoUserPermission,
    User,
    UserGlobalPermission,
    UserGroup,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
)
from vcshub.db.models.base import utcnow
from vcshub.permissions import names
from vcshub.permissions.effective import DEFAULT_USERNAME, default_user_id
from vcshub.services.errors import InvalidPermission, NotFound
from vcshub.services.unit_of_work import UnitOfWork


class Target:
    """One kind of object that permissions are granted on, and its two row tables."""

    def __init__(self, prefix: str, user_table, group_table, object_column: str,
                 group_column: str = "users_group_id") -> None:
        self.prefix = prefix
        self.user_table = user_table
        self.group_table = group_table
        self.object_column = object_column
        self.group_column = group_column


REPO = Target("repository", RepoUserPermission, RepoUserGroupPermission, "repo_id")
REPO_GROUP = Target(
    "group", RepoGroupUserPermission, RepoGroupUserGroupPermission, "group_id"
)
USER_GROUP = Target(
    "usergroup", UserGroupUserPermission, UserGroupUserGroupPermission, "target_group_id",
    group_column="source_group_id",
)


@dataclass(frozen=True)
class Copy:
    """Rows a repository group writes onto what it holds (its "apply to children", or the copy
    a new repository or group gets of its parent's rows): kept on them (db/models/permission)."""

    group_id: int
    on: dt.datetime


def _origin(target: Target, copy: Copy | None) -> dict:
    """The row's provenance columns: cleared by a grant on the object itself."""
    if target is USER_GROUP:
        return {}  # user groups are not held by repository groups
    if copy is None:
        return {"copied_from_group_id": None, "copied_on": None}
    return {"copied_from_group_id": copy.group_id, "copied_on": copy.on}


class _Revoking:
    def __repr__(self) -> str:
        return "REVOKING"


# The ``perm`` of a grant-target lookup made for a revoke: there is no permission to check.
# A distinct marker, not None: a grant sent with ``perm: null`` must be refused like any other
# unknown permission (``permission `None` does not exist``), not slip through unchecked.
REVOKING: Any = _Revoking()


def validate_permission(permission: object, prefix: str) -> str:
    """``permission `x` does not exist`` or ``... is invalid, should start with <prefix>.``"""
    if not isinstance(permission, str) or permission not in names.ALL_PERMS:
        raise NotFound("permission", permission)
    if not permission.startswith(prefix + "."):
        raise InvalidPermission(permission, prefix)
    return permission


def object_default(uow: UnitOfWork, prefix: str) -> str:
    """The default user's site default for new objects of a family (``repository.read``)."""
    rows = uow.db.scalars(
        select(UserGlobalPermission.permission).where(
            UserGlobalPermission.user_id == default_user_id(uow.db),
            UserGlobalPermission.permission.like(prefix + ".%"),
        )
    ).all()
    return rows[0] if rows else f"{prefix}.read"


def set_user(uow: UnitOfWork, target: Target, object_id: int, user_id: int, perm: str,
             copy: Copy | None = None) -> None:
    table = target.user_table
    row = uow.db.scalar(
        select(table).where(
            getattr(table, target.object_column) == object_id, table.user_id == user_id
        )
    )
    if row is None:
        uow.db.add(table(**{target.object_column: object_id, "user_id": user_id,
                            "permission": perm, **_origin(target, copy)}))
    else:
        row.permission = perm
        for key, value in _origin(target, copy).items():
            setattr(row, key, value)
    uow.db.flush()


def set_user_group(
    uow: UnitOfWork, target: Target, object_id: int, users_group_id: int, perm: str,
    copy: Copy | None = None,
) -> None:
    table = target.group_table
    row = uow.db.scalar(
        select(table).where(
            getattr(table, target.object_column) == object_id,
            getattr(table, target.group_column) == users_group_id,
        )
    )
    if row is None:
        uow.db.add(table(**{target.object_column: object_id, target.group_column: users_group_id,
                            "permission": perm, **_origin(target, copy)}))
    else:
        row.permission = perm
        for key, value in _origin(target, copy).items():
            setattr(row, key, value)
    uow.db.flush()


def revoke_user(uow: UnitOfWork, target: Target, object_id: int, user_id: int) -> None:
    table = target.user_table
    uow.db.execute(
        delete(table).where(
            getattr(table, target.object_column) == object_id, table.user_id == user_id
        )
    )


def revoke_user_group(uow: UnitOfWork, target: Target, object_id: int, users_group_id: int) -> None:
    table = target.group_table
    uow.db.execute(
        delete(table).where(
            getattr(table, target.object_column) == object_id,
            getattr(table, target.group_column) == users_group_id,
        )
    )


_CHUNK = 500  # objects per statement, well below every backend's bound-parameter limit


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def set_user_many(
    uow: UnitOfWork, target: Target, object_ids: Iterable[int], user_id: int, perm: str,
    copy: Copy | None = None,
) -> None:
    """:func:`set_user` on many objects at once (recursive grants, 2.6)."""
    table = target.user_table
    _set_many(uow, target, table, table.user_id, object_ids, user_id, perm, copy)


def set_user_group_many(
    uow: UnitOfWork, target: Target, object_ids: Iterable[int], users_group_id: int, perm: str,
    copy: Copy | None = None,
) -> None:
    """:func:`set_user_group` on many objects at once."""
    table = target.group_table
    column = getattr(table, target.group_column)
    _set_many(uow, target, table, column, object_ids, users_group_id, perm, copy)


def revoke_user_many(
    uow: UnitOfWork, target: Target, object_ids: Iterable[int], user_id: int
) -> None:
    table = target.user_table
    _revoke_many(uow, target, table, table.user_id, object_ids, user_id)


def revoke_user_group_many(
    uow: UnitOfWork, target: Target, object_ids: Iterable[int], users_group_id: int
) -> None:
    table = target.group_table
    column = getattr(table, target.group_column)
    _revoke_many(uow, target, table, column, object_ids, users_group_id)


def _set_many(uow, target, table, subject_column, object_ids, subject_id, perm,
              copy: Copy | None = None) -> None:
    """A few statements per chunk of objects, not a query per object."""
    object_column = getattr(table, target.object_column)
    origin = _origin(target, copy)
    for chunk in _chunks(object_ids):
        mine = (object_column.in_(chunk), subject_column == subject_id)
        existing = set(uow.db.scalars(select(object_column).where(*mine)))
        if existing:
            uow.db.execute(update(table).where(*mine).values(permission=perm, **origin))
        missing = [oid for oid in chunk if oid not in existing]
        if missing:
            uow.db.execute(
                insert(table),
                [
                    {target.object_column: oid, subject_column.key: subject_id,
                     "permission": perm, **origin}
                    for oid in missing
                ],
            )
    uow.db.flush()


def _revoke_many(uow, target, table, subject_column, object_ids, subject_id) -> None:
    object_column = getattr(table, target.object_column)
    for chunk in _chunks(object_ids):
        uow.db.execute(delete(table).where(object_column.in_(chunk), subject_column == subject_id))


def user_rows_on(
    uow: UnitOfWork, target: Target, object_ids: Iterable[int], user_id: int
) -> dict[int, str]:
    """object id → the user's row on it, for those of ``object_ids`` where he has one."""
    table = target.user_table
    return _rows_on(uow, target, table, table.user_id, object_ids, user_id)


def user_group_rows_on(
    uow: UnitOfWork, target: Target, object_ids: Iterable[int], users_group_id: int
) -> dict[int, str]:
    """object id → the user group's row on it, for those of ``object_ids`` where it has one."""
    table = target.group_table
    column = getattr(table, target.group_column)
    return _rows_on(uow, target, table, column, object_ids, users_group_id)


def _rows_on(uow, target, table, subject_column, object_ids, subject_id) -> dict[int, str]:
    object_column = getattr(table, target.object_column)
    found: dict[int, str] = {}
    for chunk in _chunks(object_ids):
        found.update(uow.db.execute(
            select(object_column, table.permission).where(
                object_column.in_(chunk), subject_column == subject_id)
        ).all())
    return found


def rows_of(uow: UnitOfWork, target: Target, object_id: int) -> tuple[list, list]:
    """(user rows, user-group rows) on one object, as (subject id, permission) pairs."""
    users = uow.db.execute(
        select(target.user_table.user_id, target.user_table.permission).where(
            getattr(target.user_table, target.object_column) == object_id
        )
    ).all()
    groups = uow.db.execute(
        select(getattr(target.group_table, target.group_column), target.group_table.permission)
        .where(getattr(target.group_table, target.object_column) == object_id)
    ).all()
    return list(users), list(groups)


@dataclass(frozen=True)
class Row:
    """A row written on an object, by name: ``kind`` "user" or "user_group"; ``copied_from``
    names the repository group that wrote it, on ``copied_on`` (:class:`Copy`)."""

    kind: str
    name: str
    permission: str
    copied_from: str | None = None
    copied_on: dt.datetime | None = None


def named_rows(uow: UnitOfWork, target: Target, object_id: int
               ) -> tuple[str | None, list[Row], list[Row]]:
    """The rows on one object as its permissions pages show them: the ``default`` user's
    permission (None: no row), then the other users' and the user groups' rows by name."""
    user_rows = _provenanced(uow, target, target.user_table, "user_id", object_id)
    group_rows = _provenanced(uow, target, target.group_table, target.group_column, object_id)
    user_names = _names(uow, User.user_id, User.username, [r[0] for r in user_rows])
    group_names = _names(uow, UserGroup.users_group_id, UserGroup.group_name,
                         [r[0] for r in group_rows])
    sources = _names(uow, RepoGroup.group_id, RepoGroup.group_name,
                     [r[2] for r in (*user_rows, *group_rows) if r[2] is not None])
    default = next((perm for uid, perm, *_ in user_rows
                    if user_names.get(uid) == DEFAULT_USERNAME), None)
    users = sorted((Row("user", user_names[uid], perm, sources.get(src), on)
                    for uid, perm, src, on in user_rows
                    if user_names.get(uid) != DEFAULT_USERNAME), key=lambda r: r.name.lower())
    groups = sorted((Row("user_group", group_names[gid], perm, sources.get(src), on)
                     for gid, perm, src, on in group_rows), key=lambda r: r.name.lower())
    return default, users, groups


def _provenanced(uow: UnitOfWork, target: Target, table, subject: str, object_id: int) -> list:
    """(subject id, permission, copied-from group id, copied on) of the rows on one object."""
    copied = ((table.copied_from_group_id, table.copied_on) if target is not USER_GROUP
              else (null(), null()))
    return uow.db.execute(
        select(getattr(table, subject), table.permission, *copied)
        .where(getattr(table, target.object_column) == object_id)
    ).all()


def _names(uow: UnitOfWork, id_column, name_column, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(uow.db.execute(select(id_column, name_column).where(id_column.in_(ids))).all())


def copy_rows(
    uow: UnitOfWork, source: Target, source_id: int, dest: Target, dest_id: int
) -> None:
    """Copy every row of one object onto another, translating ``group.X`` → ``repository.X``;
    rows copied from a repository group say so (:class:`Copy`)."""
    users, groups = rows_of(uow, source, source_id)
    copy = Copy(source_id, utcnow()) if source is REPO_GROUP else None
    for user_id, perm in users:
        set_user(uow, dest, dest_id, user_id, names.translate(perm, dest.prefix), copy)
    for group_id, perm in groups:
        set_user_group(uow, dest, dest_id, group_id, names.translate(perm, dest.prefix), copy)


def write_initial_rows(
    uow: UnitOfWork, target: Target, object_id: int, *, private: bool = False
) -> None:
    """The ``default`` row every new object gets (2.3); ``*.none`` for private objects."""
    perm = f"{target.prefix}.none" if private else object_default(uow, target.prefix)
    set_user(uow, target, object_id, default_user_id(uow.db), perm)
