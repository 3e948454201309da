"""The changelog's commit graph in a real browser: two lanes between a fork and its merge, the
lines of one row meeting the next row's, pagination, and no sideways scrolling on a phone."""

from __future__ import annotations

from tests.factories import unique
from tests.factories.api import hosted_folder, push_commits
from tests.factories.merges import fork_and_merge
from tests.web.browser.conftest import PHONE_WIDTH


def circle_x(page, commit_id: str) -> float:
    return float(page.locator(f"tr[data-commit='{commit_id}'] svg circle").get_attribute("cx"))


def test_the_graph_has_two_lanes_around_a_merge(page, live_server, admin_api, screenshots):
    name = unique("graph-git-")
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    ids = fork_and_merge(hosted_folder(live_server, name), "git", side_commits=3, main_commits=2)
    page.goto(f"/{name}/changelog")
    page.screenshot(path=str(screenshots / "changelog.png"), full_page=True)
    between = {circle_x(page, commit) for commit in ids.between}
    assert len(between) == 2  # side and main each in a lane of its own
    assert circle_x(page, ids.merge) == circle_x(page, ids.after) == circle_x(page, ids.base)
    assert circle_x(page, ids.merge) in between
    # each row's drawing is as high as its row, so the lines meet the next row's
    for commit in (ids.merge, *ids.between, ids.base):
        row = page.locator(f"tr[data-commit='{commit}']").bounding_box()
        svg = page.locator(f"tr[data-commit='{commit}'] svg").bounding_box()
        assert abs(row["height"] - svg["height"]) < 1.5, (row, svg)
    merge_lines = page.locator(f"tr[data-commit='{ids.merge}'] svg path")
    assert merge_lines.count() >= 3  # in from above, and out to both parents

    page.goto(f"/{name}/changelog/{ids.after}/base.txt")  # one file's changelog: no graph
    rows = page.locator("table.changelog tr[data-commit]")
    assert rows.count() == 1 and rows.first.get_attribute("data-commit") == ids.base
    assert page.locator("table.changelog svg").count() == 0
    page.screenshot(path=str(screenshots / "file-changelog.png"), full_page=True)

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto(f"/{name}/changelog")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=str(screenshots / "changelog-phone.png"), full_page=True)


def test_pages_and_the_branch_switcher(page, live_server, admin_api):
    name = unique("graph-pages-")
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    ids = fork_and_merge(hosted_folder(live_server, name), "git")
    more = push_commits(live_server, name, "git", *({"n.txt": f"{i}\n"} for i in range(50)))
    page.goto(f"/{name}/changelog")
    assert page.locator("table.changelog tr[data-commit]").count() == 50
    assert page.locator("table.changelog tr[data-commit]").first.get_attribute("data-commit") == more[-1]
    with page.expect_navigation():
        page.click("nav.pager a[rel=next]")
    rows = page.locator("table.changelog tr[data-commit]")
    shown = [rows.nth(i).get_attribute("data-commit") for i in range(rows.count())]
    assert shown[:2] == [ids.after, ids.merge] and more[0] not in shown
    assert page.locator("nav.pager a[rel=prev]").count() == 1

    page.click("details.ref-switcher summary")
    page.fill("input.ref-filter", "sid")
    with page.expect_navigation():
        page.click("details.ref-switcher a:text-is('side')")
    assert "branch=side" in page.url
    rows = page.locator("table.changelog tr[data-commit]")
    assert rows.first.get_attribute("data-commit") == ids.side[-1]
    assert "of branch side" in page.locator("h2").first.inner_text()
