"""The default permissions and the admin lists in a real browser: from the header's Admin link
a super-admin reaches the repositories list, filters it and opens a repository's settings, then
sets the default repository permission to none on every repository and an anonymous visitor no
longer sees it (put back after); every page fits a 390 px phone."""

from __future__ import annotations

import httpx

from tests.factories import unique
from tests.factories.api import create_repo
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_an_admin_closes_the_default_repository_permission(page, live_server, admin_api,
                                                           screenshots):
    name = create_repo(admin_api, "git", unique("brwperm-"), description="browser check")
    sign_in(page, live_server.admin_username, live_server.admin_password)
    with page.expect_navigation():
        page.click("header a.admin")
    with page.expect_navigation():
        page.click("nav.admin-nav >> text=Repositories")
    page.fill("#list-filter", name)
    with page.expect_navigation():
        page.click("form.user-filter button[type=submit]")
    assert page.locator("tr.repo-row").count() == 1
    page.screenshot(path=str(screenshots / "admin-repos.png"), full_page=True)
    with page.expect_navigation():
        page.click(f"tr.repo-row a >> text={name}")
    assert page.url.endswith(f"/{name}/settings")

    with page.expect_navigation():
        page.click("header a.admin")
    with page.expect_navigation():
        page.click("nav.admin-nav >> text=Permissions")
    with page.expect_navigation():
        page.click("nav[aria-label=Permissions] >> text=Object")
    page.select_option("#p-repository", "repository.none")
    page.check("#o-repository")
    with page.expect_navigation():
        page.click("form.default-perms button[type=submit]")
    try:
        assert "Existing objects changed: repositories" in page.locator("p.flash").inner_text()
        assert page.locator("#p-repository").input_value() == "repository.none"
        with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
            assert name not in anonymous.get("/").text
            assert anonymous.get(f"/{name}").status_code == 404
        page.screenshot(path=str(screenshots / "admin-permissions-object.png"), full_page=True)
    finally:
        page.goto("/_admin/permissions/object")
        page.select_option("#p-repository", "repository.read")
        page.check("#o-repository")
        with page.expect_navigation():
            page.click("form.default-perms button[type=submit]")
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        assert anonymous.get(f"/{name}").status_code == 200

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path in ("/_admin/repos", "/_admin/repo_groups", "/_admin/permissions/application",
                 "/_admin/permissions/global", "/_admin/permissions/object",
                 "/_admin/permissions/ips"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
    page.screenshot(path=str(screenshots / "admin-permissions-ips-390.png"), full_page=True)
