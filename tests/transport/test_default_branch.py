"""HEAD of a git repository follows the first push when it names a missing branch (issue 14.3).

A repository created through the API starts with HEAD at ``refs/heads/master``; clients push
``main`` today. As RhodeCode and Gitea do, the push points HEAD at the pushed default (``main``,
then ``master``, else the first branch pushed) and the landing revision follows.
"""

from __future__ import annotations

from tests.factories import unique
from tests.factories.api import create_repo
from tests.transport.clients import Credentials, hosted_path


def _admin(live_server) -> Credentials:
    return Credentials(live_server.admin_username, live_server.admin_password)


def _new_repo(admin_api) -> str:
    return create_repo(admin_api, "git", unique("head-"))


def _local(clients, label: str):
    path = clients.fresh_dir(label)
    clients.git("init", "--quiet", "-b", "work", str(path)).check()
    (path / "README").write_text(f"{label}\n")
    clients.git("add", "README", cwd=path).check()
    clients.git("commit", "--quiet", "-m", label, cwd=path).check()
    return path


def _head(live_server, clients, repo: str) -> str:
    hosted = hosted_path(live_server, repo)
    return clients.git("symbolic-ref", "HEAD", cwd=hosted).check().stdout.strip()


def test_first_push_of_main_points_head_at_it(live_server, admin_api, clients):
    repo = _new_repo(admin_api)
    local = _local(clients, "main")
    url = clients.url(repo, _admin(live_server))
    clients.git("push", url, "HEAD:refs/heads/main", cwd=local).check()

    result, copy = clients.clone("git", repo)
    result.check()
    assert "remote HEAD refers to nonexistent ref" not in result.output
    assert copy.git("symbolic-ref", "--short", "HEAD").check().stdout.strip() == "main"
    assert (copy.path / "README").read_text() == "main\n"
    assert admin_api.result("get_repo", repoid=repo)["landing_rev"] == ["branch", "main"]


def test_main_is_preferred_among_branches_pushed_together(live_server, admin_api, clients):
    repo = _new_repo(admin_api)
    local = _local(clients, "both")
    url = clients.url(repo, _admin(live_server))
    clients.git("push", url, "HEAD:refs/heads/feature", "HEAD:refs/heads/main", cwd=local).check()
    assert _head(live_server, clients, repo) == "refs/heads/main"


def test_existing_head_is_left_alone(live_server, admin_api, clients):
    repo = _new_repo(admin_api)
    local = _local(clients, "feature")
    url = clients.url(repo, _admin(live_server))
    clients.git("push", url, "HEAD:refs/heads/feature", cwd=local).check()
    assert _head(live_server, clients, repo) == "refs/heads/feature"
    assert admin_api.result("get_repo", repoid=repo)["landing_rev"] == ["branch", "feature"]

    clients.git("push", url, "HEAD:refs/heads/main", cwd=local).check()
    assert _head(live_server, clients, repo) == "refs/heads/feature"
    assert admin_api.result("get_repo", repoid=repo)["landing_rev"] == ["branch", "feature"]
    result, copy = clients.clone("git", repo)
    result.check()
    assert copy.git("symbolic-ref", "--short", "HEAD").check().stdout.strip() == "feature"


def test_chosen_landing_revision_is_kept(live_server, admin_api, clients):
    repo = unique("head-")
    admin_api.result("create_repo", repo_name=repo, repo_type="git", landing_rev="tag:v1")
    local = _local(clients, "main")
    url = clients.url(repo, _admin(live_server))
    clients.git("push", url, "HEAD:refs/heads/main", cwd=local).check()
    assert _head(live_server, clients, repo) == "refs/heads/main"
    assert admin_api.result("get_repo", repoid=repo)["landing_rev"] == ["tag", "v1"]
