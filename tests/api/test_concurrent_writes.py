"""Writers arriving together through the API all succeed (issue 14, defects 4 and 13).

On SQLite, 8 users calling create_gist at the same moment used to see one success and seven
"failed to create gist"; two creations of the same repository could leave the winner without
its folder (the loser's clean-up removed it).
"""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.concurrency import run_together
from tests.factories import make_user, unique
from tests.factories.api import hosted_folder, settled_repo
from tests.factories.commits import log_ids, make_source_repository
from tests.transport.clients import Clients, Credentials

WRITERS = 8
ROUNDS = 3


def test_concurrent_create_gist_all_succeed(admin_api):
    users = [make_user(admin_api) for _ in range(WRITERS)]
    for round_number in range(ROUNDS):
        replies = run_together(
            WRITERS,
            lambda i: users[i].api.call(
                "create_gist", files={"a.txt": {"content": f"{round_number}-{i}"}}
            ),
        )
        assert [r if isinstance(r, Exception) else r["error"] for r in replies] == [None] * WRITERS
    for user in users:
        assert len(user.api.result("get_gists")) == ROUNDS


def test_concurrent_create_repo_all_succeed(admin_api, live_server):
    names = [unique("parallel") for _ in range(WRITERS)]

    def create(i: int) -> dict:
        client = ApiClient(live_server.api_url, live_server.admin_token)
        try:
            kind = "git" if i % 2 else "hg"
            return client.call("create_repo", repo_name=names[i], repo_type=kind)
        finally:
            client.close()

    replies = run_together(WRITERS, create)
    assert [r if isinstance(r, Exception) else r["error"] for r in replies] == [None] * WRITERS
    for name in names:
        assert admin_api.result("get_repo", repoid=name)["repo_name"] == name


@pytest.mark.parametrize("cloned", [False, True], ids=["new", "cloned"])
@pytest.mark.parametrize("kind", ["hg", "git"])
def test_same_repository_created_twice_at_once(admin_api, live_server, tmp_path, kind, cloned):
    """One creation wins, the other is told the repository exists, and the winner's folder
    survives the loser's clean-up. A clone (from a local path here) leaves the widest window:
    both requests used to clone, and the loser then removed the winner's folder."""
    clients = Clients(live_server.url, tmp_path)
    admin = Credentials(live_server.admin_username, live_server.admin_password)
    source, ids = None, []
    if cloned:
        files = [{f"f{i}.txt": f"{i}\n" * 100} for i in range(5)]
        _, ids = make_source_repository(tmp_path / "source", kind, *files)
        source = str(tmp_path / "source")
    for _ in range(ROUNDS):
        name = unique(f"twin-{kind}-")

        def create(_: int) -> dict:
            client = ApiClient(live_server.api_url, live_server.admin_token)
            try:
                return client.call("create_repo", repo_name=name, repo_type=kind, clone_uri=source)
            finally:
                client.close()

        replies = run_together(2, create)
        assert not any(isinstance(r, Exception) for r in replies), replies
        errors = sorted((r["error"] for r in replies), key=lambda e: e is not None)
        assert errors[0] is None  # one of them succeeded

        assert settled_repo(admin_api, name)["repo_type"] == kind  # a clone: once its task ends
        folder = hosted_folder(live_server, name)
        assert folder.is_dir()
        if kind == "git":
            clients.git("-C", str(folder), "fsck").check()
        else:
            clients.hg("verify", "-R", str(folder)).check()
        assert log_ids(folder, kind) == ids
        cloned_ok, work = clients.clone(kind, name, admin)
        cloned_ok.check()
        work.commit()
        work.push(admin).check()
        # checked last, so that a failure before shows the harm done to the winner first
        assert errors[1] == f"repo `{name}` already exist"
