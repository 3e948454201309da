"""Commenting on a changeset in a real browser: a line's comment button opens a form under that
line, Preview shows the rendered Markdown, and the comment, once posted, is shown under its line
after a reload; anonymous visitors get no buttons."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.factories.diff_repos import make_diff_repo
from tests.web.browser.conftest import sign_in


@pytest.fixture(scope="module")
def repo(live_server, admin_api):
    return make_diff_repo(live_server, admin_api, "git")


def test_comment_on_a_line_in_place(page, repo, admin_api, screenshots):
    user = make_user(admin_api)
    changeset = f"/{repo.name}/changeset/{repo.change}"
    sign_in(page, user.username, user.password, came_from=changeset)
    page.goto(changeset)
    line = page.locator("td#file-1-n3")  # app.py, new line 3 ("line_3 = 333")
    line.hover()
    line.locator("button.line-comment").click()
    form_row = page.locator("tr.line-form")
    assert form_row.count() == 1
    # the form opens right under the line
    assert line.evaluate("cell => cell.closest('tr').nextElementSibling.className") == "line-form"
    form_row.locator("textarea[name=text]").fill("Why **333**?")
    form_row.locator("select[name=comment_type]").select_option("todo")
    form_row.locator("button.comment-preview-button").click()
    assert form_row.locator(".comment-preview strong").inner_text() == "333"
    page.screenshot(path=str(screenshots / "changeset-line-comment.png"), full_page=True)
    with page.expect_navigation():
        form_row.locator("button[type=submit]").click()
    page.reload()
    page.screenshot(path=str(screenshots / "changeset-line-commented.png"), full_page=True)
    below = page.locator("td#file-1-n3").evaluate(
        "cell => cell.closest('tr').nextElementSibling.outerHTML")
    assert 'class="inline-comments"' in below and "Why <strong>333</strong>?" in below
    assert "TODO" in below and user.username in below
    # side by side: under the same line too
    page.goto(changeset + "?diffmode=sideside")
    below = page.locator("td#file-1-n3").evaluate(
        "cell => cell.closest('tr').nextElementSibling.outerHTML")
    assert "Why <strong>333</strong>?" in below


def test_anonymous_gets_no_comment_buttons(page, repo):
    page.goto(f"/{repo.name}/changeset/{repo.change}")
    assert page.locator("td.num").count() > 0
    assert page.locator("button.line-comment").count() == 0
    assert page.locator("form.comment-form").count() == 0
