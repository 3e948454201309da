"""The home page in a real browser: what it lists, at phone width too."""

from __future__ import annotations

from tests.web.browser.conftest import PHONE_WIDTH


def test_home_page_renders(page, screenshots):
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("header a[href='/']").count() >= 1
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)


def test_home_page_fits_a_phone(page, screenshots):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(screenshots / "home-390.png"), full_page=True)
    assert width <= PHONE_WIDTH
