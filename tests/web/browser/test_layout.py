"""The site layout in a real browser: error pages in it, keyboard focus, phone width."""

from __future__ import annotations

from tests.factories import unique
from tests.web.browser.conftest import PHONE_WIDTH


def test_an_unknown_url_is_the_404_page_in_the_layout(page, admin_api, screenshots):
    response = page.goto("/no/such/page/here")
    assert response.status == 404
    assert page.locator("header.site a.home").count() == 1
    assert page.locator("main h1").inner_text() == "404 · Not found"
    page.screenshot(path=str(screenshots / "404.png"), full_page=True)


def test_a_private_repository_is_404_like_a_missing_one(page, admin_api):
    private = unique("layout-private-")
    admin_api.result("create_repo", repo_name=private, repo_type="git", private=True)
    missing = unique("layout-missing-")
    answers = []
    for name in (private, missing):
        response = page.goto(f"/{name}")
        assert response.status == 404
        answers.append(page.locator("main").inner_text().replace(name, "NAME"))
    assert answers[0] == answers[1]
    page.goto("/")
    assert private not in page.content()


def test_keyboard_focus_is_visible(page):
    page.goto("/")
    seen = 0
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        tag, style, width = outline
        assert tag != "BODY", "Tab reached nothing"
        assert style != "none" and width >= 2, outline
        seen += 1
    assert seen == 4


def test_pages_fit_a_phone(page, admin_api, screenshots):
    long_name = unique("a-rather-long-repository-name-that-does-not-fit-on-a-phone-")
    admin_api.result("create_repo", repo_name=long_name, repo_type="hg",
                     description="a description " * 20)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path, shot in (("/", "home-390.png"), ("/_admin/login", "sign-in-390.png"),
                       ("/nowhere/at/all", "404-390.png"), (f"/{long_name}", "summary-390.png")):
        page.goto(path)
        page.screenshot(path=str(screenshots / shot), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, (path, width)


def test_times_are_relative_with_the_exact_time_on_hover(page, admin_api):
    name = unique("layout-time-")
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    page.goto(f"/?filter={name}")
    when = page.locator("tr.repo-row time").first
    assert when.inner_text() in ("just now", "1 minute ago", "2 minutes ago")
    assert when.get_attribute("title").endswith(" UTC")


def test_the_header_search_filters_the_home_page(page, admin_api):
    name = unique("layout-search-")
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    page.goto("/_admin/login")
    page.fill("header .search input", name)
    with page.expect_navigation():
        page.press("header .search input", "Enter")
    rows = page.locator("tr.repo-row td.name a")
    assert rows.all_inner_texts() == [name]


def test_an_error_page_of_a_signed_in_session_offers_sign_out(page, admin_api):
    from tests.factories import make_user
    from tests.web.browser.conftest import sign_in

    user = make_user(admin_api)
    sign_in(page, user.username, user.password)
    assert page.goto("/no/such/page/either").status == 404
    with page.expect_navigation():
        page.click("header form.sign-out button")
    assert page.locator("header a.sign-in").is_visible()
