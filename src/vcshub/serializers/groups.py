"""User group (3.2) and repository group (3.4) objects."""

from __future__ import annotations

from vcshub.db.models import RepoGroup, UserGroup
from vcshub.serializers.users import user_data


def user_group_data(group: UserGroup, *, secrets: bool) -> dict:
    return {
        "users_group_id": group.users_group_id,
        "group_name": group.group_name,
        "group_description": group.description,
        "active": group.active,
        "owner": group.owner.username,
        "users": [user_data(m.user, secrets=secrets) for m in group.members],
    }


def repo_group_data(group: RepoGroup) -> dict:
    return {
        "group_id": group.group_id,
        "group_name": group.group_name,
        "group_description": group.description,
        "parent_group": group.parent_path,
        "repositories": [r.repo_name for r in group.repositories],
        "owner": group.owner.username,
    }
