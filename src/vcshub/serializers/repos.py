"""The repository object (3.3)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from vcshub.db.models import Repository
from vcshub.serializers.commits import empty_summary
from vcshub.serializers.datetimes import format_datetime, format_timestamp
from vcshub.serializers.users import user_data

MASK = "*****"
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/]*@")

if TYPE_CHECKING:
    from vcshub.services.repos import ListedRepo


def landing_rev(value: str) -> list[str]:
    kind, _, name = value.partition(":")
    return [kind, name]


def masked_clone_uri(uri: str | None) -> str:
    """``uri`` with its password replaced by ``*****``, as RhodeCode shows it:
    ``http://user:*****@host/path``."""
    if not uri:
        return ""
    try:
        parts = urlsplit(uri)
        password = parts.password
    except ValueError:  # not parseable as a URL (e.g. a broken IPv6 host): mask by pattern
        return _USERINFO.sub(rf"\1:{MASK}@", uri)
    if password is None:
        return uri
    user = parts.netloc.rpartition("@")[0].split(":", 1)[0]
    return parts._replace(netloc=f"{user}:{MASK}@{parts.netloc.rpartition('@')[2]}").geturl()


def ssh_clone_url(template: str, base_url: str, repo_name: str) -> str | None:
    """The SSH clone URL (``Settings.ssh_clone_template``, {host} from the site's URL), or None
    when SSH is off. The same for the API and the summary page."""
    if not template:
        return None
    host = urlsplit(base_url).hostname or "localhost"
    return template.replace("{host}", host).replace("{repo}", repo_name)


def repo_data(
    repo: Repository | ListedRepo, *, base_url: str, secrets: bool, extra_fields: bool = True,
    ssh_clone_template: str = "",
) -> dict:
    """``secrets`` decides whether ``locked_by`` shows real tokens (super-admin callers).

    ``repo`` is a model, or an entry of ``services.repo_listing.list_repos`` (same attribute names).
    """
    data = {
        "repo_id": repo.repo_id,
        "repo_name": repo.repo_name,
        "repo_type": repo.repo_type,
        # The stored URL keeps its password for pulling; readers never see it.
        "clone_uri": masked_clone_uri(repo.clone_uri),
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
    if repo.repo_state != "repo_state_created":
        # a vcshub extension, as RhodeCode 4 shows it: being created by a task, or failed
        data["repo_state"] = repo.repo_state
        data["repo_state_message"] = repo.repo_state_message
    ssh_url = ssh_clone_url(ssh_clone_template, base_url, repo.repo_name)
    if ssh_url is not None:
        data["clone_url_ssh"] = ssh_url  # a vcshub extension (README: SSH)
    if extra_fields:
        for field in repo.fields:
            data[f"ex_{field.field_key}"] = field.field_value
    return data
