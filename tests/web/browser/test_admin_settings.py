"""The settings pages in a real browser: from the header's Admin link a super-admin opens
Settings, sees the machine's settings with their vcshub.toml keys, rescans the repositories
folder and finds the repository made on disk listed and then on the home page; every settings
page fits a 390 px phone."""

from __future__ import annotations

from tests.api.test_repo_maintenance import init_by_hand
from tests.factories import unique
from tests.factories.api import hosted_folder
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_an_admin_rescans_the_repositories_folder(page, live_server, screenshots):
    made = unique("brwscan-")
    init_by_hand(hosted_folder(live_server, made), "git")
    sign_in(page, live_server.admin_username, live_server.admin_password)
    with page.expect_navigation():
        page.click("header a.admin")
    with page.expect_navigation():
        page.click("nav.admin-nav >> text=Settings")
    assert page.url.endswith("/_admin/settings/global")
    assert "set in vcshub.toml: api_access_controllers_whitelist" in page.locator(
        "table.site-settings").inner_text()
    with page.expect_navigation():
        page.click("nav[aria-label=Settings] >> text=Remap and rescan")
    with page.expect_navigation():
        page.click("form.rescan button[type=submit]")
    assert made in page.locator("p.flash").inner_text()
    page.screenshot(path=str(screenshots / "admin-settings-mapping.png"), full_page=True)
    page.goto("/")
    assert page.locator(f"a >> text={made}").count() >= 1

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path in ("/_admin/settings/global", "/_admin/settings/vcs",
                 "/_admin/settings/mapping", "/_admin/settings/email",
                 "/_admin/settings/system"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
        # the settings table wraps its values and keys instead of scrolling them out of sight
        assert page.evaluate("[...document.querySelectorAll('table.list')].every("
                             "t => t.scrollWidth <= t.clientWidth)"), path
    page.screenshot(path=str(screenshots / "admin-settings-email-390.png"), full_page=True)
