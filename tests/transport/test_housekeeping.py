"""Housekeeping after pushes, with the real clients against the live server, and on demand
through the ``maintenance`` API method and ``vcshub maintenance``."""

from __future__ import annotations

import time

from tests.factories.api import seeded_repo
from tests.transport.clients import Clients, hosted_path
from tests.transport.hosted_repos import both_kinds, password_of, writer


def _bitmaps(folder) -> list[str]:
    return [p.name for p in (folder / "objects" / "pack").iterdir() if p.suffix == ".bitmap"]


def _wait_for(check, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@both_kinds
def test_a_push_is_followed_by_housekeeping(live_server, admin_api, clients: Clients, kind):
    repo = seeded_repo(live_server, admin_api, kind)
    folder = hosted_path(live_server, repo)
    user = writer(admin_api, repo)
    result, copy = clients.clone(kind, repo, password_of(user))
    result.check()
    copy.commit("pushed.txt", "pushed\n" * 100)
    copy.push(password_of(user)).check()
    if kind == "git":
        # the push's pack gets a reachability bitmap, and the history a commit-graph
        assert _wait_for(lambda: _bitmaps(folder)), list((folder / "objects" / "pack").iterdir())
        assert _wait_for(lambda: (folder / "objects" / "info" / "commit-graphs").is_dir())
        clients.git("--git-dir", str(folder), "fsck", "--full", "--strict").check()
    else:
        # the caches a push leaves cold: the tags' (hg debugupdatecaches writes them)
        assert _wait_for(lambda: (folder / ".hg" / "cache" / "tags2-served").exists())
        clients.hg("verify", "-R", str(folder)).check()
    # and the repository still serves: a fresh clone has the pushed commit
    again, second = clients.clone(kind, repo, password_of(user))
    again.check()
    assert (second.path / "pushed.txt").read_text() == "pushed\n" * 100


@both_kinds
def test_maintenance_through_the_api(live_server, admin_api, kind):
    repo = seeded_repo(live_server, admin_api, kind)
    reply = admin_api.result("maintenance", repoid=repo)
    assert reply["msg"] == "executed maintenance command"
    assert reply["repository"] == repo
    if kind == "git":
        assert [a.split(":")[0] for a in reply["executed_actions"]] == [
            "repack", "pack-refs", "commit-graph"]
        assert _bitmaps(hosted_path(live_server, repo))
    else:
        assert [a.split(":")[0] for a in reply["executed_actions"]] == ["update caches"]


def test_maintenance_needs_admin_on_the_repository(live_server, admin_api):
    from tests.api_client import ApiClient

    repo = seeded_repo(live_server, admin_api, "git")
    user = writer(admin_api, repo)  # write is not enough
    token = live_server.cli("token", "create", user.username, "--role", "api").stdout.strip()
    as_writer = ApiClient(live_server.api_url, token)
    try:
        assert as_writer.error("maintenance", repoid=repo) == f"repository `{repo}` does not exist"
        admin_api.result("grant_user_permission", repoid=repo, userid=user.user_id,
                         perm="repository.admin")
        assert as_writer.result("maintenance", repoid=repo)["repository"] == repo
    finally:
        as_writer.close()


def test_maintenance_from_the_command_line(live_server, admin_api):
    git_repo = seeded_repo(live_server, admin_api, "git")
    hg_repo = seeded_repo(live_server, admin_api, "hg")
    one = live_server.cli("maintenance", git_repo)
    assert f"{git_repo}: repack" in one.stdout and "commit-graph" in one.stdout
    every = live_server.cli("maintenance", "--all")
    assert f"{git_repo}: repack" in every.stdout and f"{hg_repo}: update caches" in every.stdout
    assert "housekeeping done" in every.stdout
    refused = live_server.cli("maintenance", check=False)
    assert refused.returncode == 2 and "name one repository, or give --all" in refused.stderr
    missing = live_server.cli("maintenance", "no/such/repo", check=False)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
