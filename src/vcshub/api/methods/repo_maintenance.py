"""Repository upkeep methods: rescan, caches, pull, maintenance, strip, locks (REFERENCE.md
4.1, 4.4, 5)."""

from __future__ import annotations

import orjson

from vcshub.api.call import Call
from vcshub.api.coercion import Bool, Text
from vcshub.api.methods.repos import serializer
from vcshub.api.methods.user_groups import failing_as
from vcshub.api.registry import ABSENT, MethodSet
from vcshub.serializers.datetimes import format_timestamp
from vcshub.services import housekeeping, locks, repo_maintenance, repos

methods = MethodSet()


@methods.method(failure="Error occurred during rescan repositories action")
def rescan_repos(call: Call, remove_obsolete: Bool = False):
    result = repo_maintenance.rescan(call.uow, call.caller, remove_obsolete)
    return {"added": result.added, "removed": result.removed}


@methods.method(failure="Error occurred during cache invalidation action")
def invalidate_cache(call: Call, repoid, delete_keys: Bool = False):
    repo = repo_maintenance.invalidate_cache(call.uow, call.caller, repoid)
    return {
        "msg": f"Cache for repository `{repoid}` was invalidated",
        "repository": repo.repo_name,
    }


@methods.method(legacy_args={"repo": "repoid", "repo_name": "repoid", "clone_uri": "remote_uri"})
def pull(call: Call, repoid, remote_uri: Text = None):
    repo = repos.administered(call.uow, call.caller, repoid)
    with failing_as(f"Unable to pull changes from `{repo.repo_name}`"):
        repo_maintenance.pull(call.uow, call.caller, repo, remote_uri)
    return {"msg": f"Pulled from `{repo.repo_name}`", "repository": repo.repo_name}


@methods.method()
def maintenance(call: Call, repoid):
    """Housekeeping now (RC-later ``maintenance``): git repacks into one pack with a bitmap,
    packs refs and rewrites the commit-graph; hg refreshes its caches."""
    repo = repos.administered(call.uow, call.caller, repoid)
    with failing_as(f"Unable to execute maintenance on `{repo.repo_name}`"):
        name, actions = housekeeping.maintenance(call.uow, call.caller, repo.repo_id)
    return {"msg": "executed maintenance command", "executed_actions": actions, "repository": name}


@methods.method()
def strip(call: Call, repoid, revision: Text, branch: Text):
    repo = repos.administered(call.uow, call.caller, repoid)
    with failing_as(f"Unable to strip commit {revision} from repo `{repo.repo_name}`"):
        repo_maintenance.strip(call.uow, call.caller, repo, revision, branch)
    return {
        "msg": f"Stripped commit {revision} from repo `{repo.repo_name}`",
        "repository": repo.repo_name,
    }


@methods.method()
def lock(call: Call, repoid, locked: Bool = ABSENT, userid=None):
    repo, user = locks.lock_target(call.uow, call.caller, repoid, userid)
    if locked is ABSENT:
        return _lock_state(repo)
    with failing_as(f"Error occurred locking repository `{repo.repo_name}`"):
        since = locks.lock(call.uow, call.caller, repo, user) if locked else None
        if not locked:
            locks.unlock(call.uow, call.caller, repo, user)
    return {
        "repo": repo.repo_name,
        "locked": bool(locked),
        "locked_since": since,
        "locked_by": user.username,
        "lock_reason": locks.REASON_API,
        "lock_state_changed": True,
        "msg": f"User `{user.username}` set lock state for repo `{repo.repo_name}` "
        f"to `{bool(locked)}`",
    }


def _lock_state(repo) -> dict:
    if repo.locked_by is None:
        return {
            "repo": repo.repo_name, "locked": False, "locked_since": None, "locked_by": None,
            "lock_reason": None, "lock_state_changed": False,
            "msg": f"Repo `{repo.repo_name}` not locked.",
        }
    when = orjson.dumps(format_timestamp(repo.locked_since)).decode()
    return {
        "repo": repo.repo_name,
        "locked": True,
        "locked_since": str(repo.locked_since),
        "locked_by": repo.locked_by.username,
        "lock_reason": repo.lock_reason,
        "lock_state_changed": False,
        "msg": f"Repo `{repo.repo_name}` locked by `{repo.locked_by.username}` on `{when}`.",
    }


@methods.method(writes=False)
def get_user_locks(call: Call, userid=None):
    return list(map(serializer(call), locks.locks_of(call.uow, call.caller, userid)))


@methods.method("get_locks", deprecated_for="get_user_locks", writes=False)
def get_locks(call: Call, userid=None):
    return get_user_locks(call, userid)
