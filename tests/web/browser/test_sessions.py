"""Signing in and out in a real browser, and the CSRF token every form carries."""

from __future__ import annotations

from tests.factories import make_user
from tests.web.browser.conftest import sign_in


def test_sign_in_and_sign_out_by_post(page, admin_api, screenshots):
    user = make_user(admin_api)
    page.goto("/_admin/login")
    page.screenshot(path=str(screenshots / "sign-in.png"), full_page=True)
    sign_in(page, user.username, user.password)
    assert page.url.endswith("/")
    menu = page.locator("header .user-menu")
    assert menu.locator("a.account").inner_text() == user.username
    page.screenshot(path=str(screenshots / "home-signed-in.png"), full_page=True)

    # A GET of the sign-out address (a link, an image on another site) signs nobody out.
    page.goto("/_admin/logout")
    page.goto("/")
    assert menu.locator("a.account").count() == 1

    with page.expect_navigation():
        menu.locator("form.sign-out button").click()
    assert menu.locator("a.account").count() == 0
    assert menu.locator("a.sign-in").is_visible()


def test_a_wrong_password_says_so_and_keeps_came_from(page, admin_api):
    user = make_user(admin_api)
    page.goto("/_admin/login?came_from=/some/where")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "not-the-password")
    with page.expect_navigation():
        page.click("form.sign-in button[type=submit]")
    assert "Invalid username or password" in page.locator("p.error").inner_text()
    assert page.locator("header.site").count() == 1  # in the site layout
    assert page.locator("input[name=came_from]").input_value() == "/some/where"


def test_posts_without_or_with_a_wrong_csrf_token_are_refused(page, admin_api):
    user = make_user(admin_api)
    sign_in(page, user.username, user.password)
    for form in ({}, {"csrf_token": "guessed"}):
        refused = page.request.post("/_admin/logout", form=form, max_redirects=0)
        assert refused.status == 400 and "session expired" in refused.text()
        page.goto("/")
        assert page.locator("header a.account").inner_text() == user.username  # still in
    for form in ({}, {"csrf_token": "guessed"}):
        data = {"username": user.username, "password": user.password, **form}
        refused = page.request.post("/_admin/login", form=data, max_redirects=0)
        assert refused.status == 400
