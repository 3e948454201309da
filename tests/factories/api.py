"""Test data made through the public API as a user would, for the tests of a live server.

Users (:func:`make_user`), hosted repositories (:func:`create_repo`, :func:`seeded_repo`) and
their commits (:func:`push_commits`: real clients working on the hosted folder).
"""

from __future__ import annotations

import time

from dataclasses import dataclass
from pathlib import Path

from tests.api_client import ApiClient
from tests.factories.commits import Files, commit_into
from tests.factories.naming import unique

REPO_TYPES = ("git", "hg")
EMPTY_ID = "0" * 40


@dataclass
class MadeUser:
    user_id: int
    username: str
    password: str
    token: str
    data: dict
    api: ApiClient


def make_user(admin: ApiClient, **fields) -> MadeUser:
    """A new user with a password, and an API client authenticated as him."""
    username = fields.pop("username", None) or unique("user")
    password = fields.pop("password", "pw-" + username)
    result = admin.result(
        "create_user",
        username=username,
        email=fields.pop("email", f"{username}@example.com"),
        password=password,
        **fields,
    )
    user = result["user"]
    return MadeUser(
        user_id=user["user_id"],
        username=username,
        password=password,
        token=user["api_key"],
        data=user,
        api=ApiClient(admin.api_url, user["api_key"]),
    )


def drop_create_right(live_server, user_id: int, *, fork: bool = True) -> None:
    """Take ``hg.create.repository`` (and optionally ``hg.fork.repository``) from one user.

    The API has no method for a user's own global permissions, so the rows are written directly
    in the server's database: the user stops inheriting the default user's global permissions
    and gets his own set, identical except for the rights taken away. Object permissions still
    follow the defaults (``hg.inherit_default_perms.true`` is kept).
    """
    from vcshub.db.engine import create_db_engine, create_session_factory, writer_engine
    from vcshub.db.models import User, UserGlobalPermission

    own = [
        "hg.create.none",
        "hg.fork.repository" if fork else "hg.fork.none",
        "hg.repogroup.create.false",
        "hg.usergroup.create.false",
        "hg.create.write_on_repogroup.true",
        "hg.inherit_default_perms.true",
    ]
    engine = create_db_engine(live_server.database_url)
    try:
        # A writer's session (SQLite: BEGIN IMMEDIATE): a deferred transaction that reads, then
        # writes fails at once ("database is locked") when the server commits in between. And
        # the application's factory, so that the change bumps the permission generation.
        with create_session_factory(writer_engine(engine))() as db:
            db.get(User, user_id).inherit_default_permissions = False
            db.add_all(UserGlobalPermission(user_id=user_id, permission=p) for p in own)
            db.commit()
    finally:
        engine.dispose()


# -- hosted repositories -------------------------------------------------------------------------


# How long a background task creating a repository may take in the tests (a guard against a
# hang, never a timing assertion).
TASK_GUARD_SECONDS = 120


def create_repo(api, repo_type: str, name: str | None = None, **args) -> str:
    """Create a repository through the API, checking the reply; returns its full name. One
    cloned from a remote is made by a background task: this waits until it is created."""
    name = name or unique(f"repo-{repo_type}-")
    reply = api.result("create_repo", repo_name=name, repo_type=repo_type, **args)
    if args.get("clone_uri"):
        assert reply["msg"] == f"Created new repository `{name}`" and reply["success"] is True
        assert isinstance(reply["task"], str) and reply["task"]
        settled = settled_repo(api, name)
        assert "repo_state" not in settled, settled.get("repo_state_message")
        return name
    assert reply == {"msg": f"Created new repository `{name}`", "success": True, "task": None}
    return name


def settled_repo(api, name: str) -> dict:
    """get_repo of a repository once its creating task ended (created, or in error)."""
    deadline = time.monotonic() + TASK_GUARD_SECONDS
    while True:
        repo = api.result("get_repo", repoid=name)
        if repo.get("repo_state") != "repo_state_pending":
            return repo
        assert time.monotonic() < deadline, f"`{name}` is still being created"
        time.sleep(0.05)


def hosted_folder(live_server, repo_name: str) -> Path:
    """The folder of a hosted repository in the server's storage."""
    return Path(live_server.data_dir) / "repos" / repo_name


def push_commits(live_server, repo_name: str, kind: str, *changes: Files) -> list[str]:
    """One commit per mapping into a hosted repository (on its main branch); the new ids."""
    return commit_into(hosted_folder(live_server, repo_name), kind, *changes)


def seeded_repo(live_server, admin_api, kind: str, name: str | None = None,
                files: Files | None = None, **fields) -> str:
    """A hosted repository with one commit (``README``, or ``files``) on its main branch."""
    name = create_repo(admin_api, kind, name or unique(f"seeded-{kind}-"), **fields)
    push_commits(live_server, name, kind, files or {"README": "seed\n"})
    return name


def head_branch(repo_type: str) -> str:
    """The branch commits made by :func:`push_commits` land on."""
    return "master" if repo_type == "git" else "default"
