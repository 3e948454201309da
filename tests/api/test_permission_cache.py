"""get_user, get_repos and the pages answer from each process's cache of permission maps, and
show a change at once whichever process made it (issue 17, item 2).

Two servers on one database and storage (two worker processes, as on two nodes), each with its
own cache; a third process (this test's, as the CLI) changes the database through the services.
Every answer is first read, twice, on both servers, so that both hold it in their caches.
"""

from __future__ import annotations

import httpx
import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.live_server import start_server
from tests.web.conftest import login
from vcshub.config import load_settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.permissions.caller import Caller
from vcshub.services import lookup, repo_settings
from vcshub.services.unit_of_work import unit_of_work


@pytest.fixture(scope="module")
def servers(db_backend, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"two-servers-{db_backend}")
    with database_url(db_backend, "twoservers", data_dir) as url:
        first = start_server(data_dir, url)
        try:
            second = start_server(data_dir, url)  # init again finds the instance made
            try:
                yield first, second
            finally:
                second.stop()
        finally:
            first.stop()


@pytest.fixture(scope="module")
def admins(servers):
    clients = [ApiClient(server.api_url, server.admin_token) for server in servers]
    yield clients
    for client in clients:
        client.close()


class Person:
    """A user with an API client and a signed-in browser on each server."""

    def __init__(self, admins, servers) -> None:
        made = make_user(admins[0])
        made.api.close()
        self.username = made.username
        self.clients = [ApiClient(server.api_url, made.token) for server in servers]
        self.browsers = [httpx.Client(base_url=server.url, timeout=60) for server in servers]
        for browser in self.browsers:
            assert login(browser, made.username, made.password).status_code in (302, 303)

    def close(self) -> None:
        for client in (*self.clients, *self.browsers):
            client.close()


@pytest.fixture
def person(admins, servers):
    made = Person(admins, servers)
    yield made
    made.close()


def seen(admins, person: Person, repo_name: str) -> list[tuple[bool, str | None]]:
    """On each server, twice: whether get_repos lists the repository for the user, and the
    level get_user shows for him (read by the admin); the repository's page must agree with
    get_repos."""
    answers = []
    for admin, own, browser in zip(admins, person.clients, person.browsers):
        for _ in range(2):
            listed = any(r["repo_name"] == repo_name for r in own.result("get_repos"))
            shown = admin.result("get_user", userid=person.username)["permissions"]
            answers.append((listed, shown["repositories"].get(repo_name)))
            assert browser.get(f"/{repo_name}").status_code == (200 if listed else 404)
    return answers


def everywhere(answer):
    return [answer] * 4


def test_a_grant_and_a_revoke_are_seen_by_both_servers_at_once(admins, person):
    name = create_repo(admins[0], "git", private=True)
    assert seen(admins, person, name) == everywhere((False, "repository.none"))

    admins[0].result("grant_user_permission", repoid=name, userid=person.username,
                     perm="repository.read")
    assert seen(admins, person, name) == everywhere((True, "repository.read"))

    admins[1].result("revoke_user_permission", repoid=name, userid=person.username)
    assert seen(admins, person, name) == everywhere((False, "repository.none"))


def test_membership_and_privacy_are_seen_by_both_servers_at_once(admins, person):
    private, public = create_repo(admins[1], "git", private=True), create_repo(admins[1], "hg")
    team = admins[0].result("create_user_group", group_name=unique("cache-ug-"))["user_group"]
    admins[0].result("grant_user_group_permission", repoid=private,
                     usergroupid=team["group_name"], perm="repository.write")
    assert seen(admins, person, private) == everywhere((False, "repository.none"))

    admins[1].result("add_user_to_user_group", usergroupid=team["group_name"],
                     userid=person.username)
    assert seen(admins, person, private) == everywhere((True, "repository.write"))

    assert seen(admins, person, public) == everywhere((True, "repository.read"))
    admins[0].result("update_repo", repoid=public, private=True)
    assert seen(admins, person, public) == everywhere((False, "repository.none"))


def test_a_change_made_by_another_process_is_seen_by_both_servers_at_once(
    admins, person, servers
):
    """As the command line would: the services, through a session factory of its own."""
    name = create_repo(admins[0], "git", private=True)
    assert seen(admins, person, name) == everywhere((False, "repository.none"))

    server = servers[0]
    settings = load_settings(environ={}, data_dir=server.data_dir, database_url=server.database_url)
    engine = create_db_engine(server.database_url)
    try:
        with unit_of_work(create_session_factory(engine), settings) as uow:
            admin = Caller(uow.db, lookup.user(uow.db, server.admin_username))
            repo_settings.update_repo(uow, admin, name, {"owner": person.username})
    finally:
        engine.dispose()
    assert seen(admins, person, name) == everywhere((True, "repository.admin"))
