"""The home page and group pages in a real browser: nested groups, filter, pagination."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.web.browser.conftest import sign_in


def test_nested_groups_filter_and_pagination(page, admin_api, screenshots):
    top = unique("home-top-")
    admin_api.result("create_repo_group", group_name=top)
    admin_api.result("create_repo_group", group_name=f"{top}/inner", description="the inner one")
    names = [f"{top}/r{i:02d}" for i in range(53)]
    for name in names:
        admin_api.result("create_repo", repo_name=name, repo_type="git", description=f"number {name[-2:]}")
    admin_api.result("create_repo", repo_name=f"{top}/inner/deep", repo_type="hg")

    page.goto(f"/?filter={top}")  # the shared server holds many other groups
    group_link = page.locator(f"tr.group-row a[href='/{top}']")
    assert group_link.count() == 1
    with page.expect_navigation():
        group_link.click()
    assert page.url.endswith(f"/{top}")
    page.screenshot(path=str(screenshots / "group.png"), full_page=True)
    assert "Home" in page.locator("nav.breadcrumbs").inner_text()
    assert page.locator("tr.group-row td.name").all_inner_texts() == ["inner"]
    first = page.locator("tr.repo-row td.name a").all_inner_texts()
    assert len(first) == 50  # the subgroup, and 50 repositories beside it
    with page.expect_navigation():
        page.click("nav.pages a[rel=next]")
    second = page.locator("tr.repo-row td.name a").all_inner_texts()
    assert len(second) == 3
    assert sorted(first + second) == sorted(n.split("/")[-1] for n in names)
    assert "deep" not in first + second  # one level only

    page.fill("form.filter input[name=filter]", "r1")
    with page.expect_navigation():
        page.click("form.filter button")
    assert sorted(page.locator("tr.repo-row td.name a").all_inner_texts()) == [f"r{i}" for i in range(10, 20)]
    assert page.locator("nav.pages").count() == 0

    page.goto(f"/{top}?filter=deep")  # a filter looks below this level too
    assert page.locator("tr.repo-row td.name a").all_inner_texts() == ["inner/deep"]


def test_private_repositories_and_groups_are_not_listed_for_anonymous(page, admin_api):
    top = unique("home-hidden-")
    admin_api.result("create_repo_group", group_name=top)
    private = f"{top}/secret"
    admin_api.result("create_repo", repo_name=private, repo_type="git", private=True)
    public = unique("home-open-")
    admin_api.result("create_repo", repo_name=public, repo_type="git")
    page.goto(f"/?filter={top}")
    assert page.locator("tr.repo-row").count() == 0
    # the group itself is readable by default; what it holds for anonymous is nothing
    assert "0 repositories" in page.locator("tr.group-row").inner_text()
    page.goto(f"/{top}")
    assert page.locator("tr.repo-row").count() == 0 and "secret" not in page.content()
    page.goto(f"/?filter={public}")
    assert page.locator("tr.repo-row").count() == 1
    assert page.goto(f"/{private}").status == 404

    closed = unique("home-closed-")  # a group anonymous may not read, holding nothing readable
    admin_api.result("create_repo_group", group_name=closed)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=closed,
                     userid="default", perm="group.none")
    page.goto(f"/?filter={closed}")
    assert page.locator("tr.group-row").count() == 0
    hidden = page.goto(f"/{closed}")
    assert hidden.status == 404 and "Not found" in page.locator("main h1").inner_text()

    reader = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=private, userid=reader.user_id,
                     perm="repository.read")
    sign_in(page, reader.username, reader.password)
    page.goto(f"/?filter={top}")
    assert f"/{private}" in page.locator("tr.repo-row a").first.get_attribute("href")


def test_breadcrumbs_lead_from_a_repository_back_up_its_groups(page, admin_api):
    top = unique("crumbs-")
    admin_api.result("create_repo_group", group_name=top)
    admin_api.result("create_repo_group", group_name=f"{top}/sub")
    admin_api.result("create_repo", repo_name=f"{top}/sub/repo", repo_type="git")
    page.goto(f"/{top}/sub/repo")
    crumbs = page.locator("nav.breadcrumbs a")
    assert crumbs.all_inner_texts() == ["Home", top, "sub", "repo"]
    with page.expect_navigation():
        crumbs.nth(2).click()
    assert page.url.endswith(f"/{top}/sub")
    assert page.locator("tr.repo-row td.name a").all_inner_texts() == ["repo"]
