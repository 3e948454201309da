"""Repository locking over HTTP (RhodeCode's rules, REFERENCE.md 4.4 `lock`).

On a repository with ``enable_locking``: a pull that transfers data, by a user who may write,
locks it to him (reason ``lock_pull``); while locked, everybody else's pulls and pushes are
refused with HTTP 423; a push by the holder releases the lock.

git and hg send credentials only after a 401, so on a public repository they pull
anonymously and never lock it: the pull-locking tests use private repositories.
"""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.factories.api import push_commits
from tests.transport.clients import Clients, Credentials, journal_entries, probe

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


@pytest.fixture
def clients(live_server, tmp_path) -> Clients:
    return Clients(live_server.url, tmp_path)


def lock_state(admin_api, repo: str) -> dict:
    return admin_api.result("lock", repoid=repo)


def locked_message(repo: str, holder: str, reason: str) -> str:
    return f"Repository `{repo}` locked by user `{holder}`. Reason:`{reason}`"


def assert_locked_out(
    live_server, kind: str, repo: str, credentials, message: str, actions=("pull", "push")
) -> None:
    """The opening pull and push requests are answered 423 with the lock message."""
    for action in actions:
        response = probe(live_server.url, kind, repo, action, credentials)
        assert response.status_code == 423, (action, response.status_code, response.text)
        assert response.text.strip() == message


def new_user(admin_api, repo: str, perm: str = "repository.write"):
    user = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=repo, userid=user.user_id, perm=perm)
    return user, Credentials(user.username, user.password)


@both_kinds
def test_pull_locks_push_by_holder_releases(live_server, admin_api, clients, kind):
    repo = unique(f"lock-{kind}-")
    admin_api.result("create_repo", repo_name=repo, repo_type=kind, private=True)
    push_commits(live_server, repo, kind, {"README": "one\n"})
    holder, holder_auth = new_user(admin_api, repo)
    other, other_auth = new_user(admin_api, repo)
    reader, reader_auth = new_user(admin_api, repo, "repository.read")

    # Clones made before locking is switched on do not lock.
    result, holder_copy = clients.clone(kind, repo, holder_auth)
    result.check()
    result, other_copy = clients.clone(kind, repo, other_auth)
    result.check()
    admin_api.result("update_repo", repoid=repo, enable_locking=True)
    assert lock_state(admin_api, repo)["locked"] is False

    # A reader's pull transfers data but he may not write: no lock.
    clients.clone(kind, repo, reader_auth)[0].check()
    assert lock_state(admin_api, repo)["locked"] is False

    # The writer's pull of new commits locks the repository to him.
    push_commits(live_server, repo, kind, {"README": "two\n"})
    holder_copy.pull(holder_auth).check()
    state = lock_state(admin_api, repo)
    assert state["locked"] is True
    assert state["locked_by"] == holder.username
    assert state["lock_reason"] == "lock_pull"

    # Everybody else is locked out, pulls and pushes alike.
    message = locked_message(repo, holder.username, "lock_pull")
    assert_locked_out(live_server, kind, repo, other_auth, message)
    # (a reader's push is refused for want of permission first: 403)
    assert_locked_out(live_server, kind, repo, reader_auth, message, actions=("pull",))
    other_copy.pull(other_auth).refused(423)
    other_copy.commit("other.txt", "from the other user\n")
    result = other_copy.push(other_auth).refused(423)
    assert "423" in result.output
    clients.clone(kind, repo, reader_auth)[0].refused(423)

    # The holder keeps working; his push releases the lock.
    holder_copy.pull(holder_auth).check()
    pushed = holder_copy.commit("holder.txt", "from the holder\n")
    holder_copy.push(holder_auth).check()
    assert lock_state(admin_api, repo)["locked"] is False
    assert [e.username for e in journal_entries(live_server, repo)] == [holder.username]
    assert admin_api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"] == pushed

    # Now the other user's pull (it brings the holder's commit) locks it to him.
    other_copy.fetch(other_auth).check()
    state = lock_state(admin_api, repo)
    assert (state["locked"], state["locked_by"], state["lock_reason"]) == (
        True, other.username, "lock_pull",
    )
    assert_locked_out(live_server, kind, repo, holder_auth, locked_message(repo, other.username, "lock_pull"))


@both_kinds
def test_api_lock_refuses_everybody_else(live_server, admin_api, clients, kind):
    repo = unique(f"apilock-{kind}-")
    admin_api.result("create_repo", repo_name=repo, repo_type=kind, enable_locking=True)
    push_commits(live_server, repo, kind, {"README": "one\n"})
    user, auth = new_user(admin_api, repo)
    admin_api.result("lock", repoid=repo, locked=True)

    message = locked_message(repo, live_server.admin_username, "lock_api")
    assert_locked_out(live_server, kind, repo, auth, message)
    response = probe(live_server.url, kind, repo, "pull")  # anonymous clients of a public repo
    assert response.status_code == 423 and response.text.strip() == message
    clients.clone(kind, repo)[0].refused(423)
    clients.clone(kind, repo, auth)[0].refused(423)

    admin_api.result("lock", repoid=repo, locked=False)
    clients.clone(kind, repo)[0].check()
    # an anonymous pull (the client had no reason to send credentials) takes no lock
    assert lock_state(admin_api, repo)["locked"] is False


@both_kinds
def test_lock_is_ignored_without_enable_locking(live_server, admin_api, clients, kind):
    repo = unique(f"nolock-{kind}-")
    admin_api.result("create_repo", repo_name=repo, repo_type=kind)
    push_commits(live_server, repo, kind, {"README": "one\n"})
    user, auth = new_user(admin_api, repo)
    result, copy = clients.clone(kind, repo, auth)
    result.check()
    assert lock_state(admin_api, repo)["locked"] is False

    # A lock set through the API has no effect on a repository without locking.
    admin_api.result("lock", repoid=repo, locked=True)
    copy.commit("x.txt", "x\n")
    copy.push(auth).check()


@pytest.mark.parametrize(
    ("kind", "options"), [("git", {"GIT_PROTOCOL_VERSION": "0"}), ("git", {}), ("hg", {})]
)
def test_pull_with_nothing_new_locks(live_server, admin_api, clients, kind, options):
    """RhodeCode locks on any pull by a writer, not only on one that brings commits: with git's
    protocol v0 an up-to-date pull is the advertisement alone."""
    repo = unique(f"nopull-{kind}-")
    admin_api.result("create_repo", repo_name=repo, repo_type=kind, private=True)
    push_commits(live_server, repo, kind, {"README": "one\n"})
    holder, holder_auth = new_user(admin_api, repo)
    other, other_auth = new_user(admin_api, repo)
    result, holder_copy = clients.clone(kind, repo, holder_auth)
    result.check()
    result, other_copy = clients.clone(kind, repo, other_auth)
    result.check()
    admin_api.result("update_repo", repoid=repo, enable_locking=True)

    if options:
        holder_copy.git("config", "protocol.version", options["GIT_PROTOCOL_VERSION"]).check()
    result = holder_copy.pull(holder_auth).check()  # up to date: nothing to fetch
    assert "Already up to date" in result.output or "no changes found" in result.output
    state = lock_state(admin_api, repo)
    assert (state["locked"], state["locked_by"], state["lock_reason"]) == (
        True, holder.username, "lock_pull",
    )
    assert admin_api.result("get_repo", repoid=repo)["locked_by"]["username"] == holder.username
    other_copy.commit("other.txt", "from the other user\n")
    assert "423" in other_copy.push(other_auth).refused(423).output
