"""Repository methods: create, read, update, fork, delete, extra fields (REFERENCE.md 4.4)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from vcshub.api.call import Call
from vcshub.api.coercion import Bool, Text
from vcshub.api.errors import ApiError
from vcshub.api.methods.user_groups import failing_as
from vcshub.api.registry import ABSENT, MethodSet
from vcshub.serializers.repos import repo_data
from vcshub.serializers.users import user_data
from vcshub.services import grants, repo_listing, repo_population, repo_settings, repos
from vcshub.services.errors import FieldExists, FieldMissing
from vcshub.services.members import member_entries

methods = MethodSet()


def serializer(call: Call) -> Callable[[object], dict]:
    """repo_data with this call's options, worked out once for a whole listing."""
    return functools.partial(
        repo_data,
        base_url=call.base_url,
        secrets=call.caller.is_admin,
        extra_fields=call.uow.settings.extra_fields_enabled,
        ssh_clone_template=call.uow.settings.ssh_clone_template,
    )


def serialize(call: Call, repo) -> dict:
    return serializer(call)(repo)


def _refreshes(raw_args) -> bool:
    """get_repo writes only when asked to refresh its cached summary (any ``cache`` sent)."""
    return "cache" in raw_args


@methods.method(legacy_args={"name": "repoid"}, writes=_refreshes)
def get_repo(call: Call, repoid, cache: Bool = True):
    repo = repos.get_repo(call.uow, call.caller, repoid, refresh=not cache)
    data = serialize(call, repo)
    entries = member_entries(call.uow, grants.REPO, repo.repo_id, repo.owner)
    data["members"] = entries
    data["permissions"] = entries
    data["followers"] = [
        user_data(u, secrets=call.caller.is_admin) for u in repos.followers(call.uow, repo)
    ]
    return data


@methods.method(writes=False)
def get_repos(call: Call, root: Text = None, traverse: Bool = True):
    only = repo_listing.ids_under(call.uow, call.caller, root, traverse)
    return list(map(serializer(call), repo_listing.list_repos(call.uow, call.caller, only)))


@methods.method(
    legacy_args={"name": "repo_name", "owner_name": "owner"},
    failure="failed to create repository `{repo_name}`",
)
def create_repo(
    call: Call,
    repo_name: Text,
    repo_type: Text,
    owner=ABSENT,
    description: Text = "",
    private: Bool = False,
    clone_uri: Text = None,
    landing_rev: Text = "rev:tip",
    enable_statistics: Bool = False,
    enable_locking: Bool = False,
    enable_downloads: Bool = False,
    copy_permissions: Bool = False,
):
    spec = repos.RepoSpec(
        description=description or "",
        private=private,
        clone_uri=clone_uri,
        landing_rev=landing_rev,
        enable_statistics=enable_statistics,
        enable_locking=enable_locking,
        enable_downloads=enable_downloads,
        copy_permissions=copy_permissions,
    )
    repo = repos.create_repo(
        call.uow, call.caller, repo_name, repo_type, spec, owner, owner_supplied=owner is not ABSENT
    )
    return {"msg": f"Created new repository `{repo.repo_name}`", "success": True,
            "task": repo_population.task_of(call.uow, repo)}  # a remote's clone: a task


def _full_name(changes: dict) -> dict:
    """RC-later's ``repo_name`` (taken as ``name``) is the full new name: its group part, when
    there is one and no ``group`` is sent, moves the repository as ``group`` would. (A plain
    ``name`` holding a slash was refused before; it now means the same.)"""
    name = changes.get("name")
    if isinstance(name, str) and "/" in name.strip("/") and "group" not in changes:
        changes["group"], changes["name"] = name.strip("/").rsplit("/", 1)
    return changes


@methods.method(legacy_args={"repo_name": "name"}, failure="failed to update repo `{repoid}`")
def update_repo(
    call: Call,
    repoid,
    name: Text = None,
    owner=None,
    group=None,
    fork_of=None,
    description: Text = None,
    private: Bool = None,
    clone_uri: Text = None,
    landing_rev: Text = None,
    enable_statistics: Bool = None,
    enable_locking: Bool = None,
    enable_downloads: Bool = None,
    fields=None,
):
    changes = call.supplied(
        "name", "owner", "group", "fork_of", "description", "private", "clone_uri", "landing_rev",
        "enable_statistics", "enable_locking", "enable_downloads", "fields",
    )
    changes = _full_name(changes)
    repo = repo_settings.update_repo(call.uow, call.caller, repoid, changes)
    return {"msg": f"updated repo ID:{repo.repo_id} {repo.repo_name}", "repository": serialize(call, repo)}


def _fork_failure(args) -> str:
    # Only when the source could not even be resolved: the argument as passed.
    return f"failed to fork repository `{args.get('repoid')}` as `{args.get('fork_name')}`"


@methods.method(failure=_fork_failure)
def fork_repo(
    call: Call,
    repoid,
    fork_name: Text,
    owner=ABSENT,
    description: Text = "",
    copy_permissions: Bool = False,
    private: Bool = False,
    landing_rev: Text = "rev:tip",
):
    spec = repos.RepoSpec(
        description=description or "",
        private=private,
        landing_rev=landing_rev,
        copy_permissions=copy_permissions,
    )
    source = repos.fork_source(call.uow, call.caller, repoid)
    # The failure names the source by its name, even when it was passed by id.
    with failing_as(f"failed to fork repository `{source.repo_name}` as `{fork_name}`"):
        fork = repos.fork_repo(
            call.uow, call.caller, source, fork_name, spec, owner,
            owner_supplied=owner is not ABSENT,
        )
    return {
        "msg": f"Created fork of `{source.repo_name}` as `{fork.repo_name}`",
        "success": True,
        "task": repo_population.task_of(call.uow, fork),  # a big source: a task copies it
    }


@methods.method(legacy_args={"repo_name": "repoid"})
def delete_repo(call: Call, repoid, forks: Text = ""):
    repo = repos.administered(call.uow, call.caller, repoid)
    name = repo.repo_name
    # Also a repository that still has forks (RC4 wraps that refusal in this text).
    with failing_as(f"failed to delete repository `{name}`"):
        handled = repos.delete_repo(call.uow, call.caller, repo, forks)
    suffix = ""
    if handled and forks == "detach":
        suffix = f" Detached {handled} forks"
    elif handled and forks == "delete":
        suffix = f" Deleted {handled} forks"
    return {"msg": f"Deleted repository `{name}`{suffix}", "success": True}


@methods.method(failure="failed to create new field for repository `{repoid}`")
def add_field_to_repo(
    call: Call, repoid, key: Text, label: Text = "", description: Text = ""
):
    try:
        repo_settings.add_field(call.uow, call.caller, repoid, key, label, description)
    except FieldExists:
        raise ApiError(f"Field with key `{key}` exists for repo `{repoid}`") from None
    return {"msg": f"Added new repository field `{key}`", "success": True}


@methods.method(failure="failed to delete field for repository `{repoid}`")
def remove_field_from_repo(call: Call, repoid, key: Text):
    try:
        repo_settings.remove_field(call.uow, call.caller, repoid, key)
    except FieldMissing:
        raise ApiError(f"Field with key `{key}` does not exists for repo `{repoid}`") from None
    return {"msg": f"Deleted repository field `{key}`", "success": True}
