"""Hosted repositories for the HTTP tests: seeded with a commit, a user who may write, the tip."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.repo_content import push_commits
from tests.transport.clients import Clients, Credentials

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


def new_repo(admin_api, kind: str, name: str | None = None, **fields) -> str:
    name = name or unique(f"tr-{kind}-")
    admin_api.result("create_repo", repo_name=name, repo_type=kind, **fields)
    return name


def seeded_repo(live_server, admin_api, kind: str, name: str | None = None, **fields) -> str:
    """A repository with one commit, written straight into the storage (not over HTTP)."""
    name = new_repo(admin_api, kind, name, **fields)
    push_commits(live_server, name, kind, {"README": "seed\n"})
    return name


def writer(admin_api, repo_name: str, perm: str = "repository.write", **fields):
    user = make_user(admin_api, **fields)
    admin_api.result("grant_user_permission", repoid=repo_name, userid=user.user_id, perm=perm)
    return user


def password_of(user) -> Credentials:
    return Credentials(user.username, user.password)


def hosted_tip(clients: Clients, kind: str, folder) -> str:
    """The newest commit of the hosted repository, read from its folder."""
    if kind == "git":
        return clients.git("--git-dir", str(folder), "rev-parse", "HEAD").check().stdout.strip()
    return clients.hg("log", "-R", str(folder), "-r", "tip", "--template", "{node}").check().stdout.strip()
