"""Users who may write to hosted repositories, and their tip, for the HTTP tests.

Hosted repositories themselves are made by :func:`tests.factories.api.seeded_repo`."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.transport.clients import Clients, Credentials

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


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
