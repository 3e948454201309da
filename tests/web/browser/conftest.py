"""Page tests in a real browser: Debian's Chromium (/usr/bin/chromium) driven by Playwright.

Chromium starts once per test module and each test gets a fresh context
(its own cookies) and page against the live server of its database. A missing Chromium is a
failure, not a skip: a green run must mean the pages were really exercised. Playwright's own
browser download is never used (``playwright install`` cannot reach its host here).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("VCSHUB_TEST_CHROMIUM", "/usr/bin/chromium")
PHONE_WIDTH = 390


# Per module, not per session: Playwright's sync API keeps an event loop running in the thread
# while it lives, and other tests that the same xdist worker runs afterwards (asyncio.run in
# tests/transport/test_bookkeeping.py) must find none.
@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see README, Test it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A page in a fresh browser context (no cookies) with the live server as base URL.
    Console errors fail the test: a page that throws is broken even if it looks right."""
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    # 404 pages log "Failed to load resource" for themselves: only script errors count.
    script_errors = [e for e in errors if "Failed to load resource" not in e]
    assert not script_errors, script_errors


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the main pages' screenshots go, under pytest's tmp dir (never committed)."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


def sign_in(page, username: str, password: str, came_from: str = "/") -> None:
    page.goto(f"/_admin/login?came_from={came_from}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.sign-in button[type=submit]")
    page.wait_for_load_state()
