"""A review in a real browser: the reviewer comments on a line of the pull request's diff (the
line's button opens the form under it) and approves with the general form; the author, after a
reload, sees the comment under its line and the review status Approved."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import sign_in
from tests.web.pull_request_page_site import pull_request_site


@pytest.fixture(scope="module")
def site(live_server, admin_api):
    return pull_request_site(live_server, admin_api, "git", prefix="prbrowser-")


def _line(page):
    return page.locator('details[data-path="story.txt"] td[id$="-n3"]')


def test_reviewer_comments_inline_and_approves(page, chromium, live_server, site, screenshots):
    sign_in(page, site.bob.username, site.bob.password, came_from=site.url)
    page.goto(site.url)
    line = _line(page)
    line.hover()
    line.locator("button.line-comment").click()
    form_row = page.locator("tr.line-form")
    form_row.locator("textarea[name=text]").fill("Why so **loud**?")
    with page.expect_navigation():
        form_row.locator("button[type=submit]").click()
    general = page.locator("section.comments > form.comment-form")
    general.locator("textarea[name=text]").fill("Fine by me")
    general.locator("select[name=changeset_status]").select_option("approved")
    with page.expect_navigation():
        general.locator("button[type=submit]").click()

    author = chromium.new_context(base_url=live_server.url)  # another browser: the author's
    page = author.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, site.alice.username, site.alice.password, came_from=site.url)
    page.goto(site.url)
    page.reload()
    below = _line(page).evaluate("cell => cell.closest('tr').nextElementSibling.outerHTML")
    assert 'class="inline-comments"' in below and "Why so <strong>loud</strong>?" in below
    assert site.bob.username in below
    assert page.locator("#review-status").inner_text() == "Approved"
    assert "Fine by me" in page.locator("section.comments").inner_text()
    page.screenshot(path=str(screenshots / "pull-request-reviewed.png"), full_page=True)
    author.close()
    assert not errors, errors
