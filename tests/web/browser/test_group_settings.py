"""A repository group's settings in a real browser: its administrator grants a user group write
on the group applied to everything below, reads the preview, confirms, and the rows are there —
the members get into a private repository inside, and no one else does."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_grant_applied_to_children_with_its_preview(page, live_server, admin_api, screenshots):
    group = unique("browser-group-")
    admin_api.result("create_repo_group", group_name=group)
    admin_api.result("create_repo_group", group_name=f"{group}/inner")
    secret = create_repo(admin_api, "git", f"{group}/inner/secret", private=True)
    owner, carol, outsider = make_user(admin_api), make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=group,
                     userid=owner.user_id, perm="group.admin")
    team = unique("browser-team-")
    admin_api.result("create_user_group", group_name=team)
    admin_api.result("add_user_to_user_group", usergroupid=team, userid=carol.user_id)
    assert carol.api.call("get_repo", repoid=secret).get("error")  # not yet

    sign_in(page, owner.username, owner.password, f"/{group}")
    with page.expect_navigation():
        page.click("text=Group settings")
    page.click("nav.settings-tabs >> text=Permissions")
    page.wait_for_url(f"**/{group}/_settings/permissions")
    # the whole change is made on a phone's width: no page may scroll sideways
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for tail in ("", "/advanced", "/permissions"):
        page.goto(f"/{group}/_settings{tail}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, tail
    page.select_option("#g-type", "user_group")
    page.fill("#g-member", team)
    page.select_option("#g-perm", "group.write")
    page.select_option("#g-apply", "all")
    with page.expect_navigation():
        page.click("form.grant button[type=submit]")

    rows = page.locator("table.preview-rows tr.changes")
    assert rows.count() == 3  # the group, the one below it, the private repository
    assert "write" in rows.filter(has_text=secret).inner_text()
    assert "3 of 3 rows will change" in page.locator("p.summary").inner_text()
    assert team not in str(admin_api.result("get_repo", repoid=secret)["members"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=str(screenshots / "group-preview-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1200, "height": 900})

    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    flash = page.locator("p.flash").inner_text()
    assert f"Granted write to user group {team} on {group} and 2 below it." in flash
    assert page.locator("tr.group-row-perm", has_text=team).locator("select").first \
        .input_value() == "group.write"
    page.screenshot(path=str(screenshots / "group-permissions.png"), full_page=True)

    members = admin_api.result("get_repo", repoid=secret)["members"]
    assert {"name": team, "permission": "repository.write", "origin": "permission",
            "type": "user_group"} in members
    assert carol.api.result("get_repo", repoid=secret)["repo_name"] == secret  # a member: in
    assert outsider.api.call("get_repo", repoid=secret).get("error")  # nobody else
