"""Every service function that changes state refuses a caller without the right — by itself.

The adapters check too (to answer in the contract's order), but a web button or a CLI command
that calls a service directly must not be able to skip authorization: the pull-request
impersonation hole came from a service that trusted its adapter. Each case below calls one writer
straight, as a user who may not do it, and proves it is refused with nothing changed, in the
database or on disk.

The writers are found by walking the services' public functions: a new writer without a case in
``writer_cases.py`` (or a reason in ``NOT_JUDGED``) fails :func:`test_every_writer_is_walked`.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import os
import pkgutil
import re
from dataclasses import dataclass

import pytest

import vcshub.services
from tests.factories import people
from tests.factories import repos as repo_factory
from tests.services.state import fingerprint
from tests.services.writer_cases import CASES
from vcshub.db.models import User
from vcshub.permissions.caller import Caller
from vcshub.services import comments, gists, pull_requests
from vcshub.services.errors import (
    AccessDenied,
    NotFound,
    NotYourUser,
    OwnerNotAllowed,
    ReviewError,
    ReviewProblem,
)

_seq = itertools.count()

# Verbs that name a change of state in the services' public functions.
WRITE_VERBS = re.compile(
    r"^(create|update|delete|grant|revoke|add|remove|set|merge|close|reopen|comment|fork|pull|strip|"
    r"lock|unlock|rescan|invalidate|change|release|record|collect|ensure|write|copy|refresh|"
    r"vote|initialize|prepare|make|move|enforce|take|edit|send|cleanup|store)(_|$)"
)

# Writers that take no caller, and why that is safe.
NOT_JUDGED = {
    # The console: the machine's administrator, no API, web or VCS request reaches these.
    "auth_tokens.create_token": "CLI `vcshub token create` only",
    "bootstrap.ensure_admin": "vcshub init",
    "bootstrap.ensure_default_user": "vcshub init",
    "installation.initialize": "vcshub init / server start",
    "installation.prepare_storage": "vcshub init / server start",
    "gists.collect_expired": "the server's own expiry timer",
    "audit.remove_older_than": "the server's own retention timer (audit_retention_days)",
    "exception_store.record": "the server's own record of an error it met, no request's caller",
    # Steps of writers that checked their caller before calling them.
    "grants.copy_rows": "step of create_repo / create_repo_group",
    "grants.write_initial_rows": "step of creations",
    "grants.set_user": "step of the grant writers",
    "grants.set_user_group": "step of the grant writers",
    "grants.set_user_many": "step of the grant writers",
    "grants.set_user_group_many": "step of the grant writers",
    "grants.revoke_user": "step of the revoke writers",
    "grants.revoke_user_group": "step of the revoke writers",
    "grants.revoke_user_many": "step of the revoke writers",
    "grants.revoke_user_group_many": "step of the revoke writers",
    "journal.record_push": "step of a push admitted by vcs_access.authorize, or of a merge",
    "locks.set_lock": "step of locks.lock and of vcs_access.take_pull_lock",
    "locks.release_lock": "step of locks.unlock and of vcs_access.release_after_push",
    "vcs_access.enforce_lock": "changes nothing: says whether a pull must take the lock",
    "vcs_access.take_pull_lock": "step of a pull admitted by vcs_access.authorize/enforce_lock",
    "vcs_access.release_after_push": "step of a push admitted by vcs_access.authorize",
    "repo_disk.create_on_disk": "step of create_repo / fork_repo",
    "repo_disk.refresh_summary": "a cache of what is on disk, refreshed by checked writers",
    "repo_groups.ensure_parents": "step of create_repo",
    "reviews.add_comment": "step of the comment, merge and update writers",
    "reviews.vote": "step of the comment and update writers",
    "site_settings.set_setting": "step of set_license_key",
    "gist_store.remove_after_commit": "disk step of delete_gist, delete_user and gist expiry",
    "storage.make_dir": "disk step of checked writers",
    "storage.move": "disk step of checked writers",
    "storage.move_aside": "disk step of checked writers",
    "storage.remove_if_same": "disk step of checked writers (undo of their own folder)",
    "archives.prepare": "a cache of a repository its reader was admitted to",
    # Named like writers, change nothing: they resolve and check a writer's target.
    "locks.lock_target": "changes nothing",
    "repos.fork_source": "changes nothing",
    "pr_merge.merge_message": "changes nothing: a text",
    "pull_requests.pull_request_number": "changes nothing: parses an id",
    # Acts on the signed-in user alone, who proves himself with his current password.
    "password_change.change_own_password": "the session's own user, current password checked",
    # Act on the signed-in user's own things only: no other user can be named, and another
    # user's token or e-mail is NotFound (tests/services/test_own_account.py)
    "auth_tokens.revoke_token": "the session's own tokens only",
    "own_account.update_profile": "the session's own account only",
    "own_account.add_email": "the session's own account only",
    "own_account.remove_email": "the session's own account only",
    "fork_views.fork_places": "changes nothing: where the user may fork to",
    "tasks.send_mail": "queues a mail for a service that checked its caller (reset, test mail)",
}


@dataclass
class Scene:
    """Objects of a super-admin (``root``), a user with no rights on them (``other``), and a
    user who administers his own repository only (``dave``)."""

    uow: object
    root: Caller
    other: Caller
    dave: Caller
    secret: object  # a private git repository with a pull request (feature → master)
    commit: str
    pr_id: int
    dave_repo: object
    group: object
    user_group: object
    gist: object
    root_user: User
    other_user: User
    comment_id: int  # root's comment on ``commit`` of ``secret``


def _user(uow, admin=False) -> User:
    return people.user(uow, username=f"wr{next(_seq)}x{os.getpid()}", admin=admin)


@pytest.fixture
def scene(uow) -> Scene:
    root_user, other_user, dave_user = _user(uow, admin=True), _user(uow), _user(uow)
    db = uow.db
    root = Caller(db, root_user)
    n = next(_seq)
    secret = repo_factory.repo(uow, root, f"wr-secret{n}", "git", private=True)
    repo_factory.add_commits(uow, secret, {"a.txt": "base\n"})
    [commit] = repo_factory.add_commits(uow, secret, {"b.txt": "feature\n"}, branch="feature")
    pr = pull_requests.create_pull_request(
        uow, root, secret.repo_name, secret.repo_name, "branch:feature", "branch:master", "t"
    )
    dave_repo = repo_factory.repo(uow, root, f"wr-dave{n}", "git", owner=dave_user)
    group = repo_factory.repo_group(uow, root, f"wr-group{n}")
    user_group = people.user_group(uow, root, name=f"wr-ug{n}")
    gist = gists.create_gist(uow, root, {"a.txt": {"content": "x"}})
    comment, _, _ = comments.comment_commit(uow, root, secret.repo_name, commit, "root's")
    return Scene(
        uow, root, Caller(db, other_user), Caller(db, dave_user), secret, commit,
        pr.pull_request_id, dave_repo, group, user_group, gist, root_user, other_user,
        comment.comment_id,
    )


REFUSED_REVIEWS = {ReviewProblem.CLOSE_DENIED, ReviewProblem.UPDATE_DENIED,
                   ReviewProblem.REOPEN_DENIED}

def _writers() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(vcshub.services.__path__):
        module = importlib.import_module(f"vcshub.services.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == module.__name__ and WRITE_VERBS.match(name):
                found[f"{info.name}.{name}"] = func
    return found


def test_every_writer_is_walked():
    writers = _writers()
    unaccounted = sorted(set(writers) - set(CASES) - set(NOT_JUDGED))
    assert unaccounted == [], "writers with neither a refusal case nor a reason"
    assert sorted(set(CASES) - set(writers)) == [], "cases for functions that are not writers"
    assert sorted(set(NOT_JUDGED) - set(writers)) == [], "reasons for functions that are gone"
    for name in CASES:
        params = list(inspect.signature(writers[name]).parameters)
        assert params[1] in ("caller", "actor"), f"{name} does not take the caller"


def test_each_writer_refuses_a_caller_without_the_right(scene):
    """One scene for all cases (a refused call changes nothing, so they cannot disturb each
    other); every failure is reported, not just the first."""
    failures = []
    for name, calls in CASES.items():
        for index, call in enumerate(calls):
            before = fingerprint(scene.uow)
            try:
                call(scene)
            except (AccessDenied, NotFound, NotYourUser, OwnerNotAllowed) as exc:
                refusal = exc
            except ReviewError as exc:
                refusal = exc if exc.problem in REFUSED_REVIEWS else None
            else:
                refusal = None
            if refusal is None:
                failures.append(f"{name}[{index}] was not refused")
            elif fingerprint(scene.uow) != before:
                failures.append(f"{name}[{index}] was refused but changed something")
    assert failures == []
