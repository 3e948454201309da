"""The pull request list in a real browser: reached from the repository's menu, filtered by
its tabs, paged by its numbered links, and no wider than a phone."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.web.browser.conftest import PHONE_WIDTH, sign_in
from tests.web.pull_request_site import add_rows


def test_open_filter_and_page_through_the_list(page, live_server, admin_api, screenshots):
    repo = create_repo(admin_api, "git", unique("prbrowser-"))
    alice = make_user(admin_api)
    opened = add_rows(live_server, repo, alice.user_id, 23, title="open change")
    closed = add_rows(live_server, repo, alice.user_id, 2, title="closed change", status="closed")
    rows = page.locator("tr.pr-row")

    sign_in(page, alice.username, alice.password, came_from=f"/{repo}")
    with page.expect_navigation():
        page.click("nav.repo >> text=Pull requests")
    assert page.url.endswith(f"/{repo}/pull-request")
    assert rows.count() == 20
    assert rows.first.get_attribute("data-pull-request") == str(opened[-1])
    assert rows.first.locator("a").first.get_attribute("href") == (
        f"/{repo}/pull-request/{opened[-1]}")
    assert page.locator("nav.pr-filters a[aria-current=page]").inner_text() == "Open"
    page.screenshot(path=str(screenshots / "pull-requests.png"), full_page=True)

    with page.expect_navigation():
        page.click("nav.pr-filters >> text=Closed")
    assert [rows.nth(i).get_attribute("data-pull-request") for i in range(rows.count())] == [
        str(n) for n in closed[::-1]]
    assert page.locator("nav.page-links").count() == 0  # one page

    with page.expect_navigation():
        page.click("nav.pr-filters >> text=Opened by me")
    assert rows.count() == 20
    with page.expect_navigation():
        page.click("nav.page-links a[aria-label='Page 2']")
    assert page.url.endswith(f"/{repo}/pull-request?my=1&page=2")
    assert [rows.nth(i).get_attribute("data-pull-request") for i in range(rows.count())] == [
        str(n) for n in (opened + closed)[::-1][20:]]
    assert page.locator("nav.page-links a[aria-current=page]").inner_text() == "2"

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path in (f"/{repo}/pull-request", "/_admin/my_account/pullrequests"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
    page.screenshot(path=str(screenshots / "my-pull-requests-phone.png"), full_page=True)
