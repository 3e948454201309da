"""The user-groups admin in a real browser: a super-admin goes from the users list to the user
groups, creates one, adds a member, and the list counts him; the pages fit a 390 px phone."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_an_admin_creates_a_group_and_adds_a_member(page, live_server, admin_api, screenshots):
    name = unique("brw-ug")
    member = make_user(admin_api)
    sign_in(page, live_server.admin_username, live_server.admin_password)
    page.goto("/_admin/users")
    with page.expect_navigation():
        page.click("text=User groups")
    with page.expect_navigation():
        page.click("a.new-user-group")
    page.fill("#g-name", name)
    page.fill("#g-description", "made in a browser")
    with page.expect_navigation():
        page.click("form.new-user-group button[type=submit]")
    assert f"Created user group {name}" in page.locator("p.flash").inner_text()

    with page.expect_navigation():
        page.click("nav.account-sections >> text=Members")
    page.fill("#m-username", member.username)
    with page.expect_navigation():
        page.click("form.add-member button[type=submit]")
    assert f"{member.username} was added" in page.locator("p.flash").inner_text()
    assert page.locator("tr.member-row td.name").all_inner_texts() == [member.username]
    page.screenshot(path=str(screenshots / "admin-user-group-members.png"), full_page=True)
    made = admin_api.result("get_user_group", usergroupid=name)
    assert [u["username"] for u in made["users"]] == [member.username]

    page.goto("/_admin/user_groups")
    page.fill("#group-filter", name)
    with page.expect_navigation():
        page.click("form.user-filter button[type=submit]")
    cells = page.locator("tr.group-row td").all_inner_texts()
    assert cells == [name, "made in a browser", "1", "yes", live_server.admin_username]

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    group_id = made["users_group_id"]
    for path in ("/_admin/user_groups", "/_admin/user_groups/new",
                 f"/_admin/user_groups/{group_id}/edit",
                 f"/_admin/user_groups/{group_id}/edit/members",
                 f"/_admin/user_groups/{group_id}/edit/permissions",
                 f"/_admin/user_groups/{group_id}/edit/global_permissions",
                 f"/_admin/user_groups/{group_id}/edit/permissions_summary",
                 f"/_admin/user_groups/{group_id}/edit/advanced"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
    page.screenshot(path=str(screenshots / "admin-user-group-perms-390.png"), full_page=True)
