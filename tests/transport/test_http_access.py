"""Clone, pull and push over HTTP with the real clients: credentials, anonymous and hidden access.

Parametrised over ``kind`` (git, hg), against the live server. Pushes that race or are cut off
are in test_push_integrity.py; what only git does is in test_git_http.py, what only Mercurial
does in test_hg_http.py.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.factories import make_user, unique
from tests.factories.api import seeded_repo
from tests.transport.clients import (
    Credentials,
    database,
    hosted_path,
    journal_entries,
    probe,
)
from tests.transport.hosted_repos import (
    both_kinds,
    hosted_tip,
    password_of,
    writer,
)
from vcshub.db.models import UserIpAddress


def assert_prompted(response: httpx.Response) -> None:
    """401 with a Basic challenge: what makes git and hg ask for credentials."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].lower().startswith("basic")


# -- clone, pull, push with each kind of credentials --------------------------------------------
@both_kinds
@pytest.mark.parametrize("secret_kind", ["password", "main-token", "vcs-token", "all-token"])
def test_clone_pull_push(live_server, admin_api, clients, kind, secret_kind):
    repo = seeded_repo(live_server, admin_api, kind)
    user = writer(admin_api, repo)
    credentials = _credentials(live_server, user, secret_kind)

    result, first = clients.clone(kind, repo, credentials)
    result.check()
    assert (first.path / "README").read_text() == "seed\n"
    new_id = first.commit("pushed.txt", "over http\n", message="pushed over http")
    first.push(credentials).check()

    repo_info = admin_api.result("get_repo", repoid=repo)
    assert repo_info["last_changeset"]["raw_id"] == new_id
    entries = journal_entries(live_server, repo)
    assert len(entries) == 1
    assert entries[0].username == user.username
    assert entries[0].action == "push"
    assert entries[0].commit_ids == [new_id]

    result, second = clients.clone(kind, repo, credentials)
    result.check()
    third_id = second.commit("again.txt", "again\n")
    second.push(credentials).check()
    first.pull(credentials).check()
    assert first.tip() == third_id


def _credentials(live_server, user, secret_kind: str) -> Credentials:
    if secret_kind == "password":
        return password_of(user)
    if secret_kind == "main-token":
        return Credentials(user.username, user.token)
    role = secret_kind.split("-")[0]
    token = live_server.cli("token", "create", user.username, "--role", role).stdout.strip()
    return Credentials(user.username, token)


@both_kinds
def test_feed_token_is_refused(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    feed = live_server.cli("token", "create", user.username, "--role", "feed").stdout.strip()
    credentials = Credentials(user.username, feed)

    assert_prompted(probe(live_server.url, kind, repo, "pull", credentials))
    clients.clone(kind, repo, credentials)[0].refused(401)


@both_kinds
def test_token_with_empty_username(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    assert probe(live_server.url, kind, repo, "pull", Credentials("", user.token)).status_code == 200
    # a token presented with somebody else's name is just a wrong password
    other = make_user(admin_api)
    assert_prompted(probe(live_server.url, kind, repo, "pull", Credentials(other.username, user.token)))


@both_kinds
def test_wrong_password_is_401(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    wrong = Credentials(user.username, "not-" + user.password)

    assert_prompted(probe(live_server.url, kind, repo, "pull", wrong))
    assert_prompted(probe(live_server.url, kind, repo, "pull", Credentials("nobody-" + user.username, "x")))
    result = clients.clone(kind, repo, wrong)[0].refused(401)
    assert "401" in result.output or "authorization failed" in result.output


@both_kinds
def test_inactive_user_is_refused(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    admin_api.result("update_user", userid=user.user_id, active=False)

    for secret in (user.password, user.token):
        assert_prompted(probe(live_server.url, kind, repo, "pull", Credentials(user.username, secret)))
    clients.clone(kind, repo, password_of(user))[0].refused(401)


# -- anonymous access, hidden repositories ------------------------------------------------------
@both_kinds
def test_anonymous_clone_of_public_repository(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind)
    result, copy = clients.clone(kind, repo)
    result.check()
    assert (copy.path / "README").read_text() == "seed\n"

    # pushing needs credentials: the client is asked for them (and cannot answer)
    assert_prompted(probe(live_server.url, kind, repo, "push"))
    copy.commit("anon.txt", "anonymous\n")
    copy.push().refused(401)
    assert journal_entries(live_server, repo) == []


@both_kinds
def test_anonymous_gets_401_for_private_and_unknown(live_server, admin_api, clients, kind):
    private = seeded_repo(live_server, admin_api, kind, private=True)
    unknown = unique("no-such-repo-")
    for repo in (private, unknown, f"{private}/nested/deeper"):
        for action in ("pull", "push"):
            assert_prompted(probe(live_server.url, kind, repo, action))
    for repo in (private, unknown):
        result = clients.clone(kind, repo)[0].refused(401)
        assert "terminal prompts disabled" in result.output or "authorization" in result.output


@both_kinds
def test_authenticated_without_read_gets_404(live_server, admin_api, clients, kind):
    private = seeded_repo(live_server, admin_api, kind, private=True)
    user = make_user(admin_api)
    credentials = password_of(user)
    unknown = unique("no-such-repo-")
    for repo in (private, unknown):
        for action in ("pull", "push"):
            response = probe(live_server.url, kind, repo, action, credentials)
            assert response.status_code == 404, (repo, action, response.text)
            assert "www-authenticate" not in response.headers
    # the refusal text is the same whether the repository exists or not
    texts = {probe(live_server.url, kind, r, "pull", credentials).text.replace(r, "<r>") for r in (private, unknown)}
    assert len(texts) == 1
    clients.clone(kind, private, credentials)[0].refused(404)

    # explicit repository.none on a public repository hides it the same way
    public = seeded_repo(live_server, admin_api, kind)
    admin_api.result("grant_user_permission", repoid=public, userid=user.user_id, perm="repository.none")
    assert probe(live_server.url, kind, public, "pull", credentials).status_code == 404


@both_kinds
def test_read_only_user_cannot_push(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    reader = writer(admin_api, repo, perm="repository.read")
    credentials = password_of(reader)
    result, copy = clients.clone(kind, repo, credentials)
    result.check()
    before = copy.tip()

    assert probe(live_server.url, kind, repo, "push", credentials).status_code == 403
    refused_id = copy.commit("nope.txt", "not allowed\n")
    copy.push(credentials).refused(403)
    assert hosted_tip(clients, kind, hosted_path(live_server, repo)) == before
    assert admin_api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] != refused_id
    assert journal_entries(live_server, repo) == []


@both_kinds
def test_push_to_repository_in_nested_groups(live_server, admin_api, clients, kind):
    group_path = f"{unique('outer-')}/{unique('middle-')}/{unique('inner-')}"
    repo = seeded_repo(live_server, admin_api, kind, name=f"{group_path}/{unique('nested-')}")
    user = writer(admin_api, repo)
    credentials = password_of(user)

    result, copy = clients.clone(kind, repo, credentials)
    result.check()
    new_id = copy.commit("deep.txt", "deep\n")
    copy.push(credentials).check()
    assert admin_api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] == new_id
    assert [e.commit_ids for e in journal_entries(live_server, repo)] == [[new_id]]
    if kind == "git":
        # git clients commonly add ".git"; the same repository answers
        clients.clone(kind, repo + ".git", credentials)[0].check()


@both_kinds
def test_wrong_kind_of_client_finds_nothing(live_server, admin_api, clients, kind):
    """A git client asking for an hg repository (or the reverse) is told it does not exist."""
    other = "hg" if kind == "git" else "git"
    repo = seeded_repo(live_server, admin_api, other, private=True)
    user = writer(admin_api, repo)
    assert probe(live_server.url, kind, repo, "pull", password_of(user)).status_code == 404
    clients.clone(kind, repo, password_of(user))[0].refused(404)


# -- IP whitelist ---------------------------------------------------------------------------------
@both_kinds
def test_ip_whitelist(live_server, admin_api, clients, kind):
    repo = seeded_repo(live_server, admin_api, kind, private=True)
    user = writer(admin_api, repo)
    credentials = password_of(user)
    with Session(database(live_server)) as session:
        session.execute(
            insert(UserIpAddress),
            [{"user_id": user.user_id, "ip_addr": "10.20.0.0/16", "description": "office"},
             {"user_id": user.user_id, "ip_addr": "2001:db8::1", "description": "home"}],
        )
        session.commit()

    def status(**headers: str) -> int:
        return probe(live_server.url, kind, repo, "pull", credentials, headers=headers).status_code

    assert status(**{"X-Real-IP": "10.20.3.4"}) == 200
    # the rightmost hop that is not a trusted proxy: what the client prepends does not count
    assert status(**{"X-Forwarded-For": "192.0.2.1, 10.20.9.9"}) == 200
    assert status(**{"X-Real-IP": "2001:db8::1"}) == 200
    assert status(**{"X-Real-IP": "10.21.0.1"}) == 401
    assert status(**{"X-Forwarded-For": "10.20.9.9, 192.0.2.1"}) == 401
    # X-Real-IP wins over X-Forwarded-For
    assert status(**{"X-Real-IP": "192.0.2.7", "X-Forwarded-For": "10.20.1.1"}) == 401
    assert status() == 401  # the test client itself, 127.0.0.1, is not listed
    clients.clone(kind, repo, credentials)[0].refused(401)
