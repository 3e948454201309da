"""Changing a repository: rename, move, owner, flags, extra fields (update_repo and fields)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select

from vcshub.db.models import RepoField, RepoGroup, Repository
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import default_user_id
from vcshub.services import access, grants, lookup, repo_groups, repos, storage, vcs_access
from vcshub.services import remote_policy
from vcshub.services.errors import Conflict, FieldExists, FieldMissing, Invalid
from vcshub.services.names import validate_path
from vcshub.services.search import notices as search_notices
from vcshub.services.unit_of_work import UnitOfWork

_FIELD_KEY = re.compile(r"[A-Za-z0-9_-]{1,250}")
_FLAGS = ("enable_statistics", "enable_locking", "enable_downloads")


def update_repo(uow: UnitOfWork, caller: Caller, repoid: object, changes: Mapping) -> Repository:
    """Change only the supplied fields; renames and moves move the folder on disk."""
    repo = access.repo(uow, caller, repoid, "repository.admin")
    group = repo.group
    if "group" in changes:
        # A group the caller cannot read does not exist for him (1.8); null is no group either.
        group = access.repo_group(uow, caller, changes["group"], "group.read")
    elif changes.get("top_level"):
        # The site's settings form only: the API's group null means "no such group" (RC4).
        group = None
    if "fork_of" in changes:
        repo.fork_id = _fork_parent(uow, caller, repo, changes["fork_of"])
    if (group.group_id if group else None) != repo.group_id:
        _check_move_into(caller, group)
    short = changes.get("name", repo.short_name)
    if not isinstance(short, str) or not short.strip("/") or "/" in short.strip("/"):
        raise Invalid("name", "must be a single name")
    new_path = f"{group.group_name}/{short.strip('/')}" if group else short.strip("/")
    if new_path != repo.repo_name:
        _rename(uow, repo, new_path, group)
    if "owner" in changes:
        repo.owner_id = lookup.new_owner(uow.db, changes["owner"]).user_id
    if "description" in changes:
        repo.description = changes["description"] or ""
    if "private" in changes:
        repo.private = bool(changes["private"])
        if repo.private:
            grants.set_user(uow, grants.REPO, repo.repo_id, default_user_id(uow.db), "repository.none")
    if "clone_uri" in changes:
        repo.clone_uri = remote_policy.updated_clone_uri(
            caller, uow.settings, changes["clone_uri"], repo.clone_uri
        )
    if "landing_rev" in changes:
        repo.landing_rev = repos.validate_landing_rev(changes["landing_rev"])
        search_notices.repository_changed(uow, repo.repo_id)  # files are indexed at it
    for flag in _FLAGS:
        if flag in changes:
            setattr(repo, flag, bool(changes[flag]))
    if "fields" in changes and changes["fields"]:
        _set_field_values(repo, changes["fields"])
    uow.db.flush()
    caller.forget_permissions()
    return repo


def group_choices(uow: UnitOfWork, caller: Caller, repo: Repository) -> list[str]:
    """The groups :func:`update_repo` would move ``repo`` into for ``caller``, by name: its own
    and those he may create repositories in and read (one query, one permission map)."""
    access.require_repo(caller, repo, "repository.admin")
    rows = uow.db.execute(
        select(RepoGroup.group_id, RepoGroup.group_name).order_by(RepoGroup.group_name)
    ).all()
    if caller.is_admin:
        return [row.group_name for row in rows]
    levels = caller.perms.repo_groups([row.group_id for row in rows])
    anywhere = caller.perms.has_global("hg.create.repository")
    needed = "group.read" if anywhere else "group.admin"
    return [row.group_name for row in rows if row.group_id == repo.group_id
            or names.at_least(levels.get(row.group_id), needed)]


def _check_move_into(caller: Caller, group: RepoGroup | None) -> None:
    """Moving a repository into a group (None: the top level) needs the right to create one there."""
    if not repos.may_create_in(caller, group):
        where = "in this group" if group is not None else "at the top level"
        raise Invalid("group", f"no right to create repositories {where}")


def _fork_parent(uow: UnitOfWork, caller: Caller, repo: Repository, ident: object) -> int | None:
    """The new ``fork_of``: null clears it; a repository the caller cannot read does not exist."""
    if ident is None:
        return None
    parent = access.repo(uow, caller, ident, "repository.read")
    if parent.repo_id == repo.repo_id:
        raise Invalid("fork_of", "a repository cannot be a fork of itself")
    return parent.repo_id


def _rename(uow: UnitOfWork, repo: Repository, new_path: str, group) -> None:
    validate_path("name", new_path)
    if repo_groups.name_in_use(uow, new_path):
        raise Conflict(f"`{new_path}` already exists")
    twin = vcs_access.clone_url_twin(uow, new_path)
    if twin is not None and twin != repo.repo_name:
        raise Conflict(f"`{new_path}` would share its clone URL with repository `{twin}`")
    storage.move(uow, repo.repo_name, new_path)
    repo.repo_name = new_path
    repo.group_id = group.group_id if group else None
    uow.db.flush()


def parse_fields(text: str) -> dict[str, str]:
    """``k1=v1,k2=v2`` with ``\\,`` for a literal comma."""
    values = {}
    for item in re.split(r"(?<!\\),", text):
        key, sep, value = item.partition("=")
        if sep:
            values[key.strip()] = value.replace("\\,", ",")
    return values


def _set_field_values(repo: Repository, text: object) -> None:
    if not isinstance(text, str):
        raise Invalid("fields", "must be key=value pairs separated by commas")
    values = parse_fields(text)
    for field in repo.fields:
        if field.field_key in values:
            field.field_value = values[field.field_key]


def add_field(
    uow: UnitOfWork, caller: Caller, repoid: object, key: object, label: str = "", description: str = ""
) -> Repository:
    repo = access.repo(uow, caller, repoid, "repository.admin")
    if any(f.field_key == key for f in repo.fields):
        raise FieldExists(str(key))
    if not isinstance(key, str) or not _FIELD_KEY.fullmatch(key):
        raise Invalid("key", "letters, digits, `_` and `-` only")
    repo.fields.append(
        RepoField(field_key=key, field_label=label or key, field_desc=description or "")
    )
    uow.db.flush()
    return repo


def remove_field(uow: UnitOfWork, caller: Caller, repoid: object, key: object) -> Repository:
    repo = access.repo(uow, caller, repoid, "repository.admin")
    field = next((f for f in repo.fields if f.field_key == key), None)
    if field is None:
        raise FieldMissing(str(key))
    repo.fields.remove(field)
    uow.db.flush()
    return repo
