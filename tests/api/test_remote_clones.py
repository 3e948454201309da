"""Repositories cloned from remotes, through the live server (issue 14, defects 5, 6, 8, 9).

The remotes are this machine's own: the live server itself, or a TCP server on 127.0.0.1 that
accepts and never answers (tests/remote_servers.py).
"""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user, unique
from tests.live_server import start_server
from tests.remote_servers import SilentServer
from tests.transport.clients import Clients, Credentials
from tests.web.conftest import login
from tests.factories.api import REPO_TYPES, create_repo, hosted_folder, push_commits, settled_repo
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


def test_writes_go_on_while_a_clone_waits_for_its_remote(admin_api, live_server, repo_type,
                                                         tmp_path):
    """Defect 5, and issue 18: the creation answers at once with its task; the clone (into a
    new group: the creation writes group rows) holds no transaction, so other writes do not
    wait for it, or fail, on SQLite. When the remote hangs up, the task fails: the repository
    says why (get_repo, the journal) and nothing of it is on disk."""
    top = unique("slowgroup")
    name = f"{top}/{unique('slow')}"
    with SilentServer() as remote:
        reply = admin_api.result("create_repo", repo_name=name, repo_type=repo_type,
                                 clone_uri=remote.url())
        assert reply["msg"] == f"Created new repository `{name}`" and reply["task"]
        assert remote.connected.wait(HANG_GUARD_SECONDS)
        pending = admin_api.result("get_repo", repoid=name)
        assert pending["repo_state"] == "repo_state_pending"
        user = make_user(admin_api)  # create_user: a write
        gist = user.api.result("create_gist", files={"a.txt": {"content": "x"}})["gist"]
        assert gist["gist_id"]
        assert admin_api.result("get_repo", repoid=name)["repo_state"] == "repo_state_pending"
    # the remote hung up: the task fails and leaves nothing on disk
    failed = settled_repo(admin_api, name)
    assert failed["repo_state"] == "repo_state_error"
    assert failed["repo_state_message"]
    assert not hosted_folder(live_server, name).exists()
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        login(http, live_server.admin_username, live_server.admin_password)
        journal = http.get("/_admin/journal").text  # the admin follows what he creates
        assert f'data-repo="{name}"' in journal and "could not create the repository" in journal
    # a client is told it is not there to be cloned, and why
    cloned, _work = Clients(live_server.url, tmp_path).clone(
        repo_type, name, Credentials(live_server.admin_username, live_server.admin_password))
    assert cloned.returncode != 0 and "409" in cloned.output  # the reason is in the body
    # the owner deletes it and may create it again
    admin_api.result("delete_repo", repoid=name)
    assert admin_api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"


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
    """Defect 6: a transfer over the cap fails at once instead of waiting for a place (its
    repository says so), while the first one still holds the only place."""
    admin = ApiClient(capped_server.api_url, capped_server.admin_token)
    make_source_repository(tmp_path / "source", repo_type, {"a.txt": "a\n"})
    first, second = unique("first"), unique("second")
    with SilentServer() as remote:
        admin.result("create_repo", repo_name=first, repo_type=repo_type, clone_uri=remote.url())
        assert remote.connected.wait(HANG_GUARD_SECONDS)
        admin.result("create_repo", repo_name=second, repo_type=repo_type,
                     clone_uri=str(tmp_path / "source"))
        refused = settled_repo(admin, second)
        assert refused["repo_state"] == "repo_state_error"
        assert admin.result("get_repo", repoid=first)["repo_state"] == "repo_state_pending"
    assert settled_repo(admin, first)["repo_state"] == "repo_state_error"
    # the place is free again: the same creation now succeeds
    admin.result("delete_repo", repoid=second)
    create_repo(admin, repo_type, second, clone_uri=str(tmp_path / "source"))
    admin.close()
