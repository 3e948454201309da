"""Every page under a repository's URL answers 404 to whoever may not read it (or, for the
settings pages, administer it), exactly as for a missing repository; and a test that a page
added under a repository's URL is in these lists."""

from __future__ import annotations

import httpx

from tests.factories import make_user, unique
from tests.web.conftest import Repo, both_kinds, login, logout, make_repo, new_token, reader
from tests.web.test_browse import page


def browse_paths(repo, pull_request: int | None = None) -> list[str]:
    """``pull_request``: the id of one targeting ``repo``, whose page is then checked too."""
    return [
        f"/{repo.name}",
        f"/{repo.name}/files/tip/",
        f"/{repo.name}/files/{repo.tip}/README.txt",
        f"/{repo.name}/changelog",
        f"/{repo.name}/changeset/{repo.tip}",
        f"/{repo.name}/changelog/{repo.tip}/README.txt",
        f"/{repo.name}/annotate/{repo.tip}/README.txt",
        f"/{repo.name}/history/tip/README.txt",
        f"/{repo.name}/compare",
        f"/{repo.name}/compare/rev@{repo.commits[0]}...rev@{repo.tip}",
        f"/{repo.name}/branches",
        f"/{repo.name}/tags",
        *([f"/{repo.name}/bookmarks"] if repo.kind == "hg" else []),  # git: 404 for everyone
        f"/{repo.name}/fork",
        f"/{repo.name}/forks",
        f"/{repo.name}/pull-request",
        f"/{repo.name}/pull-request/new",
        *([f"/{repo.name}/pull-request/{pull_request}"] if pull_request else []),
        f"/{repo.name}/search",
    ]


def settings_paths(repo_name: str) -> list[str]:
    """The pages only a repository's administrators see: readers get the 404 too, which
    tests/web/test_repo_settings_pages.py proves."""
    return [f"/{repo_name}/settings{tail}" for tail in (
        "", "/permissions", "/advanced", "/advanced/delete", "/strip", "/remote", "/fields")]


def test_the_private_repository_check_covers_every_page():
    """A page added under a repository's URL must be added to browse_paths (or, for its
    administrators only, settings_paths), so the tests prove it answers 404 to whoever may not
    read (or administer) the repository."""
    from vcshub.web import repo_pages
    from vcshub.web.repo_views import View

    pages = {
        value.kind
        for module in repo_pages.PAGE_MODULES
        for value in vars(module).values()
        if isinstance(value, View) and value.html and "GET" in value.methods
    }
    samples = [Repo("group/name", kind, ["0" * 40]) for kind in ("git", "hg")]
    covered = {repo_pages.readings(path)[0].view.kind for sample in samples
               for path in [*browse_paths(sample, 1), *settings_paths(sample.name)]}
    assert pages <= covered, f"not in browse_paths: {sorted(pages - covered)}"


@both_kinds
def test_private_repository_pages(live_server, admin_api, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False, private=True)
    pull_request = admin_api.result(  # the second change, proposed onto the first
        "create_pull_request", source_repo=repo.name, target_repo=repo.name,
        source_ref=f"rev:tip:{repo.tip}", target_ref=f"rev:base:{repo.commits[0]}", title="second change",
    )["pull_request_id"]
    allowed = reader(admin_api, repo.name)
    outsider = make_user(admin_api)
    token = new_token(live_server, allowed.username)
    missing = f"/{unique('missing-')}"
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        not_there = anonymous.get(missing)
        assert not_there.status_code == 404
        for path in browse_paths(repo, pull_request):
            hidden = anonymous.get(path)
            assert hidden.status_code == 404, path
            assert "does not exist" in hidden.text and "second change" not in hidden.text
            assert anonymous.get(path, auth=(outsider.username, outsider.password)).status_code == 404
            # the default whitelist opens only the feeds to ?auth_token=
            assert anonymous.get(path, params={"auth_token": token}).status_code == 404
            assert page(anonymous, path, auth=(allowed.username, allowed.password))
            assert page(anonymous, path, auth=(live_server.admin_username, live_server.admin_password))
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert login(browser, allowed.username, allowed.password).status_code == 302
        for path in browse_paths(repo, pull_request):
            assert allowed.username in page(browser, path)
        logout(browser)
        for path in browse_paths(repo, pull_request):
            assert browser.get(path).status_code == 404, path
