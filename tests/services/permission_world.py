"""The world a group-permission row is built in: users, groups, repositories, and acting on them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from tests.factories import people
from tests.factories import repos as repo_factory
from vcshub.db.models import User, UserGlobalPermission
from vcshub.permissions.caller import Caller
from vcshub.services import repo_group_permissions, user_groups, users

_seq = itertools.count()


# -- the world a row is built in -----------------------------------------------------------------
@dataclass
class World:
    """Setup is done by a super-admin (``root``) through the services, as the API would."""

    uow: object
    root: User
    me: User
    other: User
    default: User
    names: dict[str, str] = field(default_factory=dict)

    @property
    def caller(self) -> Caller:
        return Caller(self.uow.db, self.root)

    def _name(self, prefix: str) -> str:
        return f"{prefix}{next(_seq)}"

    # objects
    def group(self, path: str | None = None, owner: User | None = None, *, copy=False, by=None):
        caller = Caller(self.uow.db, by) if by is not None else self.caller
        owner = None if by is not None and owner is None else (owner or self.other)
        return repo_factory.repo_group(
            self.uow, caller, path or self._name("pg"), owner=owner, copy_permissions=copy
        )

    def repo(self, path: str, owner: User | None = None, *, private=False, copy=False):
        return repo_factory.repo(
            self.uow, self.caller, path, "git", owner=owner or self.other, private=private,
            copy_permissions=copy,
        )

    def tree(self, owner: User | None = None) -> dict:
        """G, G/r1 (repo), G/S (group), G/S/r2 (repo)."""
        g = self.group(owner=owner)
        tree = {"G": g, "r1": self.repo(f"{g.group_name}/r1")}
        tree["S"] = self.group(f"{g.group_name}/S")
        tree["r2"] = self.repo(f"{g.group_name}/S/r2")
        return tree

    def user_group(self, symbol: str, *member_users: User, active=True, owner=None, by=None):
        caller = Caller(self.uow.db, by) if by is not None else self.caller
        owner = None if by is not None and owner is None else (owner or self.other)
        ug = people.user_group(self.uow, caller, name=self._name("pug"), owner=owner)
        for user in member_users:
            assert user_groups.add_member(self.uow, self.caller, ug, user)
        if not active:
            changes = {"active": False}
            user_groups.update_user_group(self.uow, self.caller, ug.users_group_id, changes)
        if symbol:
            self.names[symbol] = ug.group_name
        return ug

    # repository-group permissions (4.5), apply_to_children per 2.6
    def grant_user(self, group, user, perm, apply="none"):
        g, u, p = repo_group_permissions.user_grant_target(
            self.uow, self.caller, group.group_name, user.username, perm
        )
        repo_group_permissions.grant_user(self.uow, self.caller, g, u, p, apply)

    def revoke_user(self, group, user, apply="none"):
        g, u, _ = repo_group_permissions.user_grant_target(self.uow, self.caller, group.group_id, user.user_id)
        repo_group_permissions.revoke_user(self.uow, self.caller, g, u, apply)

    def grant_ug(self, group, ug, perm, apply="none"):
        g, source, p = repo_group_permissions.user_group_grant_target(
            self.uow, self.caller, group.group_name, ug.group_name, perm
        )
        repo_group_permissions.grant_user_group(self.uow, self.caller, g, source, p, apply)

    def revoke_ug(self, group, ug, apply="none"):
        g, source, _ = repo_group_permissions.user_group_grant_target(
            self.uow, self.caller, group.group_id, ug.users_group_id
        )
        repo_group_permissions.revoke_user_group(self.uow, self.caller, g, source, apply)

    # user-group permissions (4.3)
    def grant_user_on_ug(self, target, user, perm):
        t, u, p = user_groups.user_grant_target(
            self.uow, self.caller, target.group_name, user.username, perm
        )
        user_groups.grant_user(self.uow, self.caller, t, u, p)

    def revoke_user_on_ug(self, target, user):
        t, u, _ = user_groups.user_grant_target(
            self.uow, self.caller, target.group_name, user.user_id
        )
        user_groups.revoke_user(self.uow, self.caller, t, u)

    def grant_ug_on_ug(self, target, source, perm):
        s, t, p = user_groups.user_group_grant_target(
            self.uow, self.caller, target.group_name, source.group_name, perm
        )
        user_groups.grant_user_group(self.uow, self.caller, s, t, p)

    # the user's own flags
    def not_inheriting(self):
        """``inherit_default_permissions`` off, with ``hg.inherit_default_perms.false`` (2.4)."""
        self.me.inherit_default_permissions = False
        perm = "hg.inherit_default_perms.false"
        self.uow.db.add(UserGlobalPermission(user_id=self.me.user_id, permission=perm))
        self.uow.db.flush()

    def set_site_default(self, old: str, new: str):
        """Change one of the default user's object-family rows (2.2), e.g. group.read → write."""
        row = (
            self.uow.db.query(UserGlobalPermission)
            .filter_by(user_id=self.default.user_id, permission=old)
            .one()
        )
        row.permission = new
        self.uow.db.flush()

    def promote_me(self):
        users.update_user(self.uow, self.caller, self.me.user_id, {"admin": True})
        self.uow.db.flush()


def _make_user(uow, admin=False) -> User:
    return people.user(uow, username=f"pmg{next(_seq)}", admin=admin)
