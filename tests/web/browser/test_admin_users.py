"""The users admin in a real browser: a super-admin creates a user from the header's Admin link,
edits him, and the list shows the change; the pages fit a 390 px phone."""

from __future__ import annotations

from tests.factories import unique
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_an_admin_creates_edits_and_finds_a_user(page, live_server, admin_api, screenshots):
    name = unique("brw")
    sign_in(page, live_server.admin_username, live_server.admin_password)
    with page.expect_navigation():
        page.click("header a.admin")
    with page.expect_navigation():
        page.click("a.new-user")
    page.fill("#u-username", name)
    page.fill("#u-password", "pw-browser-1")
    page.fill("#u-email", f"{name}@example.com")
    page.fill("#u-firstname", "Grace")
    page.screenshot(path=str(screenshots / "admin-user-new.png"), full_page=True)
    with page.expect_navigation():
        page.click("form.new-user button[type=submit]")
    assert f"Created user {name}" in page.locator("p.flash").inner_text()
    assert page.url.endswith("/edit")

    page.fill("#u-lastname", "Hopper")
    page.check("#u-admin")
    with page.expect_navigation():
        page.click("form.edit-user button[type=submit]")
    assert "updated: admin, lastname" in page.locator("p.flash").inner_text()
    page.screenshot(path=str(screenshots / "admin-user-edit.png"), full_page=True)
    answer = admin_api.result("get_user", userid=name)
    assert (answer["firstname"], answer["lastname"], answer["admin"]) == ("Grace", "Hopper", True)

    page.goto("/_admin/users")
    page.fill("#user-filter", name)
    with page.expect_navigation():
        page.click("form.user-filter button[type=submit]")
    row = page.locator("tr.user-row")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert cells[:5] == [name, "Grace Hopper", f"{name}@example.com", "yes", "yes"]
    page.screenshot(path=str(screenshots / "admin-users.png"), full_page=True)

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    user_id = answer["user_id"]
    for path in ("/_admin/users", "/_admin/users/new", f"/_admin/users/{user_id}/edit",
                 f"/_admin/users/{user_id}/edit/auth_tokens",
                 f"/_admin/users/{user_id}/edit/global_permissions",
                 f"/_admin/users/{user_id}/edit/permissions_summary",
                 f"/_admin/users/{user_id}/edit/advanced"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
    page.screenshot(path=str(screenshots / "admin-user-delete-390.png"), full_page=True)
