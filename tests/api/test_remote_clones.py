"""Repositories cloned from remotes, through the live server (issue 14, defects 5, 6, 8, 9).

The remotes are this machine's own: the live server itself, or a TCP server on 127.0.0.1 that
accepts and never answers (tests/remote_servers.py).
"""

from __future__ import annotations

import threading

import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user, unique
from tests.live_server import start_server
from tests.remote_servers import SilentServer
from tests.factories.api import REPO_TYPES, create_repo, push_commits
from tests.factories.commits import make_source_repository

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)

# Only a guard against a hang, never a timing assertion.
HANG_GUARD_SECONDS = 90


def call_in_thread(api_url: str, token: str, method: str, **args) -> tuple[threading.Thread, list]:
    """Run one API call on its own connection in a thread; the envelope lands in the list."""
    outcome: list = []

    def run() -> None:
        client = ApiClient(api_url, token)
        try:
            outcome.append(client.call(method, **args))
        finally:
            client.close()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    return worker, outcome


def test_writes_go_on_while_a_clone_waits_for_its_remote(admin_api, live_server, repo_type):
    """Defect 5: the clone (into a new group: the creation writes group rows) holds no
    transaction, so other writes do not wait for it, or fail, on SQLite."""
    top = unique("slowgroup")
    name = f"{top}/{unique('slow')}"
    with SilentServer() as remote:
        worker, outcome = call_in_thread(
            live_server.api_url, live_server.admin_token, "create_repo",
            repo_name=name, repo_type=repo_type, clone_uri=remote.url(),
        )
        assert remote.connected.wait(HANG_GUARD_SECONDS)
        user = make_user(admin_api)  # create_user: a write
        gist = user.api.result("create_gist", files={"a.txt": {"content": "x"}})["gist"]
        assert gist["gist_id"]
        assert worker.is_alive()  # the clone was waiting for the remote all along
    # the remote hung up: the creation fails and leaves nothing behind
    worker.join(HANG_GUARD_SECONDS)
    assert not worker.is_alive()
    assert outcome[0]["error"] == f"failed to create repository `{name}`"
    assert admin_api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    assert admin_api.error("get_repo_group", repogroupid=top) == (
        f"repository group `{top}` does not exist"
    )


def test_readers_see_the_password_masked_and_pull_still_uses_it(
    admin_api, live_server, repo_type
):
    """Defect 9: clone_uri is shown as http://user:*****@host/...; the stored URL keeps the
    real password (the source is private: the clone and the pull must authenticate)."""
    source = create_repo(admin_api, repo_type, private=True)
    push_commits(live_server, source, repo_type, {"a.txt": "a\n"})
    host = live_server.url.removeprefix("http://")
    user = live_server.admin_username
    secret = f"http://{user}:{live_server.admin_password}@{host}/{source}"
    shown = f"http://{user}:*****@{host}/{source}"
    mirror = create_repo(admin_api, repo_type, clone_uri=secret)

    reader = make_user(admin_api)  # the mirror is public: everybody reads it
    assert reader.api.result("get_repo", repoid=mirror)["clone_uri"] == shown
    [listed] = [r for r in reader.api.result("get_repos") if r["repo_name"] == mirror]
    assert listed["clone_uri"] == shown
    assert admin_api.result("get_repo", repoid=mirror)["clone_uri"] == shown
    # sending the shown value back (a settings form round trip) keeps the real password
    updated = admin_api.result("update_repo", repoid=mirror, clone_uri=shown, description="m")
    assert updated["repository"]["clone_uri"] == shown

    new = push_commits(live_server, source, repo_type, {"b.txt": "b\n"})
    admin_api.result("pull", repoid=mirror)
    assert admin_api.result("get_repo", repoid=mirror)["last_changeset"]["raw_id"] == new[-1]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_users_cannot_make_the_server_reach_its_own_network(admin_api, repo_type, host):
    """Defect 8, end to end: refused before any connection, on create, update and pull."""
    user = make_user(admin_api)
    own = create_repo(user.api, repo_type)
    with SilentServer() as remote:
        uri = remote.url("http", host)
        name = unique("probe")
        assert user.api.error(
            "create_repo", repo_name=name, repo_type=repo_type, clone_uri=uri
        ) == f"failed to create repository `{name}`"
        assert user.api.error("update_repo", repoid=own, clone_uri=uri) == (
            f"failed to update repo `{own}`"
        )
        # a URL an administrator stored is judged on the caller who pulls
        admin_api.result("update_repo", repoid=own, clone_uri=uri)
        assert user.api.error("pull", repoid=own) == f"Unable to pull changes from `{own}`"
        assert remote.count == 0
        assert admin_api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"


@pytest.fixture(scope="module")
def capped_server(db_backend, tmp_path_factory):
    """A server that runs one remote transfer at a time."""
    data_dir = tmp_path_factory.mktemp(f"capped-{db_backend}")
    with database_url(db_backend, "capped", data_dir) as url:
        server = start_server(data_dir, url, VCSHUB_REMOTE_MAX_CONCURRENT="1")
        try:
            yield server
        finally:
            server.stop()


def test_remote_transfers_beyond_the_cap_are_refused_at_once(capped_server, repo_type, tmp_path):
    """Defect 6: a caller over the cap gets an answer at once, not a place in a queue."""
    admin = ApiClient(capped_server.api_url, capped_server.admin_token)
    make_source_repository(tmp_path / "source", repo_type, {"a.txt": "a\n"})
    second = unique("second")
    with SilentServer() as remote:
        worker, outcome = call_in_thread(
            capped_server.api_url, capped_server.admin_token, "create_repo",
            repo_name=unique("first"), repo_type=repo_type, clone_uri=remote.url(),
        )
        assert remote.connected.wait(HANG_GUARD_SECONDS)
        assert admin.error(
            "create_repo", repo_name=second, repo_type=repo_type, clone_uri=str(tmp_path / "source")
        ) == f"failed to create repository `{second}`"
        assert worker.is_alive()  # the first one still holds the only place
    worker.join(HANG_GUARD_SECONDS)
    assert outcome[0]["error"]
    # the place is free again: the same creation now succeeds
    create_repo(admin, repo_type, second, clone_uri=str(tmp_path / "source"))
    admin.close()
