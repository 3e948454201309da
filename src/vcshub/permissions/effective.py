"""Effective permissions of one user, computed in bulk (REFERENCE.md 2.4 and 2.5).

A handful of set-based queries give the permission on every repository, repository group and
user group at once; nothing here runs a query per object. There is no dynamic inheritance
through repository groups: rows are copied down when granted, never implied.

The full maps and the global set are shared between units of work through the process's
cache (permissions/map_cache.py), under the database's permission generation, which a unit
reads before any permission row (db/permission_generation.py). A unit that changed
permissions neither uses nor fills the cache: its rows are not committed yet.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cached_property
from types import MappingProxyType

from sqlalchemy import case, literal, null, select
from sqlalchemy.orm import Session

from vcshub.db import permission_generation
from vcshub.db.models import (
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
from vcshub.permissions import names
from vcshub.permissions.map_cache import MISSING, SESSION_KEY

DEFAULT_USERNAME = "default"


def default_user_id(db: Session) -> int:
    return db.scalar(select(User.user_id).where(User.username == DEFAULT_USERNAME))


class EffectivePermissions:
    """What one user may do. Maps are computed on first use and kept for the unit of work, and
    in the process's cache for the next units until the permission generation moves."""

    def __init__(self, db: Session, user: User) -> None:
        self._db = db
        self.user_id = user.user_id
        self.is_admin = bool(user.admin) and user.username != DEFAULT_USERNAME
        self._user_inherits = bool(user.inherit_default_permissions)
        # The flags are part of the key: a User row read before a change must not be answered
        # with maps computed for the changed one.
        self._cache_key = (self.user_id, self.is_admin, self._user_inherits)
        self._known: dict[str, object] = {}  # this unit's global set, full maps, group ids
        self._changes = permission_generation.changes_seen(db)
        self._generation: int | None | object = MISSING  # MISSING: not read yet

    # -- sharing with other units of work ----------------------------------------------------
    def _current(self) -> None:
        """Forget what was computed before this unit's own permission changes were flushed."""
        changes = permission_generation.changes_seen(self._db)
        if changes != self._changes:
            self._changes = changes
            self._known.clear()
            self._generation = MISSING

    def _shared_generation(self) -> int | None:
        """The generation to share maps under, read before any permission row; None when this
        unit may not share (no cache, or it changed permissions itself)."""
        if self._generation is MISSING:
            cache = self._db.info.get(SESSION_KEY)
            generation = None if cache is None else permission_generation.read(self._db)
            # Reading autoflushed: pending changes of this unit may just have been marked.
            self._changes = permission_generation.changes_seen(self._db)
            if permission_generation.changed_here(self._db):
                generation = None
            self._generation = generation
        return self._generation

    def _cached(self, kind: str) -> object:
        """The value of ``kind`` known to this unit or to the process's cache, or MISSING."""
        self._current()
        if kind in self._known:
            return self._known[kind]
        generation = self._shared_generation()
        if generation is None:
            return MISSING
        value = self._db.info[SESSION_KEY].get(self._cache_key, generation, kind)
        if value is not MISSING:
            self._known[kind] = value
        return value

    def _full(self, kind: str, compute: Callable[[], object],
              size: Callable[[object], int] = len) -> object:
        value = self._cached(kind)
        if value is MISSING:
            generation = self._shared_generation()
            value = compute()
            self._known[kind] = value
            # Not if computing flushed a change of this unit: the rows read are uncommitted.
            if generation is not None and self._changes == permission_generation.changes_seen(
                self._db
            ):
                self._db.info[SESSION_KEY].put(
                    self._cache_key, generation, kind, value, size(value)
                )
        return value

    def derived(self, kind: str, compute: Callable[[], object],
                size: Callable[[object], int]) -> object:
        """A value computed from this user's maps and the objects' names (get_user's report),
        kept like the maps under the permission generation, which renames bump too. The value
        is shared between threads: callers must not change it."""
        return self._full(f"derived:{kind}", compute, size)

    # -- global -------------------------------------------------------------------------
    @cached_property
    def _default_id(self) -> int:
        return default_user_id(self._db)

    @property
    def global_perms(self) -> frozenset[str]:
        """The user's global permission set (2.4)."""
        if self.is_admin:
            return names.SUPER_ADMIN_GLOBALS
        return self._full("global", self._compute_global)

    def _compute_global(self) -> frozenset[str]:
        db = self._db
        defaults = set(
            db.scalars(
                select(UserGlobalPermission.permission).where(
                    UserGlobalPermission.user_id == self._default_id
                )
            )
        )
        perms = set(defaults)
        group_rows = db.execute(
            select(UserGroupGlobalPermission.users_group_id, UserGroupGlobalPermission.permission)
            .join(UserGroup, UserGroup.users_group_id == UserGroupGlobalPermission.users_group_id)
            .join(UserGroupMember, UserGroupMember.users_group_id == UserGroup.users_group_id)
            .where(UserGroupMember.user_id == self.user_id)
            .where(UserGroup.inherit_default_permissions.is_(False))
            .order_by(UserGroupGlobalPermission.users_group_id)
        ).all()
        by_group: dict[int, set[str]] = {}
        for group_id, perm in group_rows:
            by_group.setdefault(group_id, set()).add(perm)
        for group_perms in by_group.values():
            perms -= names.CONFIGURABLE_GLOBALS
            perms |= group_perms & names.CONFIGURABLE_GLOBALS
        if not self._user_inherits:
            own = set(
                db.scalars(
                    select(UserGlobalPermission.permission).where(
                        UserGlobalPermission.user_id == self.user_id
                    )
                )
            )
            perms -= names.CONFIGURABLE_GLOBALS
            perms |= own & names.CONFIGURABLE_GLOBALS
        return frozenset(perms)

    def has_global(self, permission: str) -> bool:
        return self.is_admin or permission in self.global_perms

    @property
    def inherits_defaults(self) -> bool:
        return "hg.inherit_default_perms.false" not in self.global_perms

    @property
    def _active_group_ids(self) -> list[int]:
        """Ids of the active user groups the user is in (never shared: only the maps need them,
        and a map found in the cache needs nothing)."""
        self._current()
        if "active_groups" not in self._known:
            self._known["active_groups"] = list(
                self._db.scalars(
                    select(UserGroupMember.users_group_id)
                    .join(UserGroup, UserGroup.users_group_id == UserGroupMember.users_group_id)
                    .where(UserGroupMember.user_id == self.user_id, UserGroup.active.is_(True))
                )
            )
        return self._known["active_groups"]

    # -- objects ------------------------------------------------------------------------
    # Each map is one query over the objects with the default row outer-joined (the owner and
    # "default" rules of 2.5 step 3 evaluated in SQL, so Python only builds a dict), then the
    # user-group rows and the user's own rows laid over it. Core statements on the session's
    # connection: no ORM entities are loaded.
    #
    # Without ``ids`` a map is the full one: shared, so read-only. With ``ids`` it is a new
    # dict of those objects, taken from a full map when one is known, else computed for them
    # alone (a single repository's check never computes the whole map).
    def repos(self, ids: Collection[int] | None = None) -> Mapping[int, str]:
        """repo_id → effective ``repository.*`` permission."""
        return self._map("repos", self._compute_repos, ids)

    def repo_groups(self, ids: Collection[int] | None = None) -> Mapping[int, str]:
        """group_id → effective ``group.*`` permission."""
        return self._map("repo_groups", self._compute_repo_groups, ids)

    def user_groups(self, ids: Collection[int] | None = None) -> Mapping[int, str]:
        """users_group_id → effective ``usergroup.*`` permission (no owner rule for these)."""
        return self._map("user_groups", self._compute_user_groups, ids)

    def _map(self, kind: str, compute, ids: Collection[int] | None) -> Mapping[int, str]:
        if ids is None:
            return self._full(kind, lambda: MappingProxyType(compute(None)))
        full = self._cached(kind)
        if full is MISSING:
            return compute(ids)
        return {oid: full[oid] for oid in ids if oid in full}

    def _compute_repos(self, ids: Collection[int] | None) -> dict[int, str]:
        if self.is_admin:
            return self._all_admin(Repository.repo_id, ids, "repository.admin")
        default = RepoUserPermission.permission
        level = case(
            (Repository.owner_id == self.user_id, "repository.admin"),
            (default.is_(None), null()),  # no default row (revoked): explicit rows only
            (Repository.private.is_(True), "repository.none"),
            else_=default if self.inherits_defaults else literal("repository.none"),
        )
        base = select(Repository.repo_id, level).outerjoin(
            RepoUserPermission,
            (RepoUserPermission.repo_id == Repository.repo_id)
            & (RepoUserPermission.user_id == self._default_id),
        )
        return self._overlay(
            self._base_map(base, Repository.repo_id, ids),
            self._owned(Repository.repo_id, Repository.owner_id, ids),
            "repository.admin",
            self._group_rows(RepoUserGroupPermission, RepoUserGroupPermission.repo_id, ids),
            self._user_rows(RepoUserPermission, RepoUserPermission.repo_id, ids),
        )

    def _compute_repo_groups(self, ids: Collection[int] | None) -> dict[int, str]:
        if self.is_admin:
            return self._all_admin(RepoGroup.group_id, ids, "group.admin")
        default = RepoGroupUserPermission.permission
        level = case(
            # Deviation from RC4: the owner stays admin even without inheritance.
            (RepoGroup.owner_id == self.user_id, "group.admin"),
            else_=default if self.inherits_defaults else literal("group.none"),
        )
        base = (
            select(RepoGroup.group_id, level)
            .outerjoin(
                RepoGroupUserPermission,
                (RepoGroupUserPermission.group_id == RepoGroup.group_id)
                & (RepoGroupUserPermission.user_id == self._default_id),
            )
            .where((RepoGroup.owner_id == self.user_id) | default.is_not(None))
        )
        return self._overlay(
            self._base_map(base, RepoGroup.group_id, ids),
            self._owned(RepoGroup.group_id, RepoGroup.owner_id, ids),
            "group.admin",
            self._group_rows(
                RepoGroupUserGroupPermission, RepoGroupUserGroupPermission.group_id, ids
            ),
            self._user_rows(RepoGroupUserPermission, RepoGroupUserPermission.group_id, ids),
        )

    def _compute_user_groups(self, ids: Collection[int] | None) -> dict[int, str]:
        if self.is_admin:
            return self._all_admin(UserGroup.users_group_id, ids, "usergroup.admin")
        default = UserGroupUserPermission.permission
        base = select(
            UserGroupUserPermission.target_group_id,
            default if self.inherits_defaults else literal("usergroup.none"),
        ).where(UserGroupUserPermission.user_id == self._default_id)
        group_rows = []
        active_groups = self._active_group_ids
        if active_groups:
            table = UserGroupUserGroupPermission
            group_rows = self._rows(
                select(table.target_group_id, table.permission).where(
                    table.source_group_id.in_(active_groups)
                ),
                table.target_group_id,
                ids,
            )
        return self._overlay(
            self._base_map(base, UserGroupUserPermission.target_group_id, ids),
            set(),
            "usergroup.admin",
            group_rows,
            self._user_rows(UserGroupUserPermission, UserGroupUserPermission.target_group_id, ids),
        )

    def repo(self, repo_id: int) -> str | None:
        return self.repos([repo_id]).get(repo_id)

    def repo_group(self, group_id: int) -> str | None:
        return self.repo_groups([group_id]).get(group_id)

    def user_group(self, users_group_id: int) -> str | None:
        return self.user_groups([users_group_id]).get(users_group_id)

    # -- internals ----------------------------------------------------------------------
    def _rows(self, query, column, ids) -> list:
        return self._db.connection().execute(_scoped(query, column, ids)).all()

    def _base_map(self, query, column, ids) -> dict[int, str]:
        return {oid: perm for oid, perm in self._rows(query, column, ids) if perm is not None}

    def _all_admin(self, column, ids, perm: str) -> dict[int, str]:
        return dict.fromkeys(
            self._db.connection().scalars(_scoped(select(column), column, ids)), perm
        )

    def _owned(self, column, owner_column, ids) -> set[int]:
        query = select(column).where(owner_column == self.user_id)
        return set(self._db.connection().scalars(_scoped(query, column, ids)))

    def _group_rows(self, table, object_column, ids) -> list[tuple[int, str]]:
        active_groups = self._active_group_ids
        if not active_groups:
            return []
        query = select(object_column, table.permission).where(
            table.users_group_id.in_(active_groups)
        )
        return self._rows(query, object_column, ids)

    def _user_rows(self, table, object_column, ids) -> list[tuple[int, str]]:
        query = select(object_column, table.permission).where(table.user_id == self.user_id)
        return self._rows(query, object_column, ids)

    @staticmethod
    def _overlay(
        result: dict[int, str],
        owned: set[int],
        owner_perm: str,
        group_rows: Iterable[tuple[int, str]],
        user_rows: Iterable[tuple[int, str]],
    ) -> dict[int, str]:
        """User-group rows replace the default (strongest group wins); user rows replace all;
        owners are admins whatever their rows say.

        Rows also apply to objects whose default row was revoked, so that revoking ``default``
        hides an object from everybody else but not from those granted access explicitly.
        """
        strongest: dict[int, str] = {}
        for oid, perm in group_rows:
            if oid not in strongest or names.weight(perm) > names.weight(strongest[oid]):
                strongest[oid] = perm
        result.update(strongest)
        result.update(user_rows)
        result.update(dict.fromkeys(owned, owner_perm))
        return result


def _scoped(query, column, ids: Collection[int] | None):
    return query if ids is None else query.where(column.in_(list(ids)))
