"""A repository's settings in a real browser: its administrator grants a permission on the
permissions page and renames the repository on the settings page, and both hold."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_grant_then_rename_in_the_browser(page, live_server, admin_api, screenshots):
    name = create_repo(admin_api, "git", unique("browser-settings-"))
    push_commits(live_server, name, "git", {"README.md": "# hi\n"})
    owner = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=owner.user_id,
                     perm="repository.admin")
    bob = make_user(admin_api)
    sign_in(page, owner.username, owner.password, f"/{name}")
    with page.expect_navigation():
        page.click("nav.repo >> text=Settings")
    page.click("nav.settings-tabs >> text=Permissions")
    page.wait_for_url(f"**/{name}/settings/permissions")

    page.select_option("#g-type", "user")
    page.fill("#g-member", bob.username)
    page.select_option("#g-perm", "repository.write")
    with page.expect_navigation():
        page.click("form.grant button[type=submit]")
    assert f"Granted write to user {bob.username}" in page.locator("p.flash").inner_text()
    row = page.locator("tr.user-row", has_text=bob.username)
    assert row.locator("select").input_value() == "repository.write"
    members = admin_api.result("get_repo", repoid=name)["members"]
    assert {"name": bob.username, "permission": "repository.write", "origin": "permission",
            "type": "user"} in members
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=str(screenshots / "repo-permissions-phone.png"), full_page=True)
    for tail in ("", "/advanced", "/advanced/delete", "/remote", "/fields"):
        page.goto(f"/{name}/settings{tail}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, tail
    page.screenshot(path=str(screenshots / "repo-fields-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"/{name}/settings/permissions")

    new_name = unique("renamed-in-browser-")
    page.click("nav.settings-tabs >> text=Settings")
    page.fill("#s-name", new_name)
    page.fill("#s-description", "renamed from the browser")
    with page.expect_navigation():
        page.click("form.settings-form button[type=submit]")
    assert page.url.endswith(f"/{new_name}/settings")
    assert f"Repository {new_name} updated" in page.locator("p.flash").inner_text()
    page.screenshot(path=str(screenshots / "repo-settings.png"), full_page=True)
    page.goto(f"/{new_name}")
    assert "renamed from the browser" in page.content()
    assert hosted_folder(live_server, new_name).is_dir()
    assert admin_api.result("get_repo", repoid=new_name)["description"] == "renamed from the browser"
