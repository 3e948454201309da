"""Push bookkeeping with two worker processes: it runs after the push's response has ended,
and the pusher's very next request, whichever process it reaches, sees what it wrote — the new
head in get_repo, the pull lock released (see vcshub.transport.bookkeeping).

A server of its own (module-wide): the test needs exactly two workers, whatever the machine's
number of CPUs (the shared live server has one per CPU).
"""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user, unique
from tests.factories.api import seeded_repo
from tests.live_server import start_server
from tests.transport.clients import Clients, Credentials, journal_entries

ROUNDS = 4  # pushes in a row: the requests after them reach both workers


@pytest.fixture(scope="module")
def two_workers(db_backend, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"two-workers-{db_backend}")
    with database_url(db_backend, "twoworkers", data_dir) as url:
        server = start_server(data_dir, url, VCSHUB_WORKERS="2")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def api(two_workers):
    client = ApiClient(two_workers.api_url, two_workers.admin_token)
    yield client
    client.close()


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_the_next_request_sees_the_push(two_workers, api, tmp_path, kind):
    repo = seeded_repo(two_workers, api, kind, unique(f"workers-{kind}-"), private=True)
    user = make_user(api)
    api.result("grant_user_permission", repoid=repo, userid=user.user_id, perm="repository.write")
    credentials = Credentials(user.username, user.password)
    clients = Clients(two_workers.url, tmp_path)
    result, copy = clients.clone(kind, repo, credentials)
    result.check()
    api.result("update_repo", repoid=repo, enable_locking=True)
    for number in range(ROUNDS):
        # the pull takes the lock (it brings nothing new here after the first round: hg and git
        # pulls by a writer lock all the same), the push releases it
        copy.pull(credentials).check()
        assert api.result("lock", repoid=repo)["locked"] is True
        pushed = copy.commit(f"f{number}.txt", f"round {number}\n")
        copy.push(credentials).check()
        assert api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] == pushed
        assert api.result("lock", repoid=repo)["locked"] is False
    assert len(journal_entries(two_workers, repo)) == ROUNDS
