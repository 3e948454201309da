"""A user's effective permissions by object name, as `get_user` reports them (2.8)."""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import RepoGroup, Repository, User, UserGroup
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services.unit_of_work import UnitOfWork


def permission_report(uow: UnitOfWork, user: User) -> dict:
    perms = EffectivePermissions(uow.db, user)
    db = uow.db
    repo_names = dict(db.execute(select(Repository.repo_id, Repository.repo_name)).all())
    group_names = dict(db.execute(select(RepoGroup.group_id, RepoGroup.group_name)).all())
    user_group_names = dict(
        db.execute(select(UserGroup.users_group_id, UserGroup.group_name)).all()
    )
    return {
        "global": sorted(perms.global_perms),
        "repositories": {repo_names[i]: p for i, p in perms.repos().items()},
        "repositories_groups": {group_names[i]: p for i, p in perms.repo_groups().items()},
        "user_groups": {user_group_names[i]: p for i, p in perms.user_groups().items()},
    }
