"""The repository object (3.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vcshub.db.models import Repository
from vcshub.serializers.commits import empty_summary
from vcshub.serializers.datetimes import format_datetime, format_timestamp
from vcshub.serializers.users import user_data

if TYPE_CHECKING:
    from vcshub.services.repos import ListedRepo


def landing_rev(value: str) -> list[str]:
    kind, _, name = value.partition(":")
    return [kind, name]


def repo_data(
    repo: Repository | ListedRepo, *, base_url: str, secrets: bool, extra_fields: bool = True
) -> dict:
    """``secrets`` decides whether ``locked_by`` shows real tokens (super-admin callers).

    ``repo`` is a model, or an entry of ``services.repos.list_repos`` (same attribute names).
    """
    data = {
        "repo_id": repo.repo_id,
        "repo_name": repo.repo_name,
        "repo_type": repo.repo_type,
        "clone_uri": repo.clone_uri or "",
        "url": f"{base_url}/{repo.repo_name}",
        "private": repo.private,
        "created_on": format_datetime(repo.created_on),
        "description": repo.description,
        "landing_rev": landing_rev(repo.landing_rev),
        "owner": repo.owner.username,
        "fork_of": repo.fork_of.repo_name if repo.fork_of else None,
        "enable_statistics": repo.enable_statistics,
        "enable_locking": repo.enable_locking,
        "enable_downloads": repo.enable_downloads,
        "last_changeset": repo.changeset_cache or empty_summary(),
        "locked_by": user_data(repo.locked_by, secrets=secrets) if repo.locked_by else None,
        "locked_date": format_timestamp(repo.locked_since) if repo.locked_since else None,
        "lock_reason": repo.lock_reason,
    }
    if extra_fields:
        for field in repo.fields:
            data[f"ex_{field.field_key}"] = field.field_value
    return data
