"""The changeset and compare pages in a real browser: line numbers, "renamed", the side-by-side
and ignore-whitespace toggles, folded large files, the compare form and its commit list, and a
phone's width."""

from __future__ import annotations

import pytest

from tests.factories.diff_repos import make_diff_repo
from tests.web.browser.conftest import PHONE_WIDTH


@pytest.fixture(scope="module")
def repo(live_server, admin_api):
    return make_diff_repo(live_server, admin_api, "git")


def numbers_of(where, text: str) -> list[tuple[str, str]]:
    """(old, new) numbers of the unified rows whose code is exactly ``text`` (in a page or
    a locator)."""
    return where.locator("table.diff.unified tr:not(.hunk)").evaluate_all(
        """(rows, text) => rows.filter(r => r.querySelector('td.code')?.textContent === text)
                              .map(r => [r.cells[0].textContent, r.cells[1].textContent])""",
        text,
    )


def test_changeset_line_numbers_and_rename(page, repo, screenshots):
    page.goto(f"/{repo.name}/changeset/{repo.change}")
    page.screenshot(path=str(screenshots / "changeset.png"), full_page=True)
    assert numbers_of(page, "line_3 = 3") == [["3", ""]]
    assert numbers_of(page, "line_3 = 333") == [["", "3"]]
    assert numbers_of(page, "line_10 = 10") == [["10", "10"]]
    assert numbers_of(page, "line_4 = 4") == [["4", "4"]]
    summaries = page.locator("details.diff-file > summary").all_inner_texts()
    assert any("renamed old_notes.txt → new_notes.txt" in s for s in summaries)
    renamed = page.locator("details.diff-file", has_text="renamed old_notes.txt")
    assert numbers_of(renamed, "note ten") == [["", "10"]]
    # word marks: only the number that changed, on each side
    old_row = page.locator("tr.deleted", has_text="line_3 = 3")
    new_row = page.locator("tr.added", has_text="line_3 = 333")
    assert old_row.locator("del").all_inner_texts() == ["3"]
    assert new_row.locator("ins").all_inner_texts() == ["333"]


def test_side_by_side_toggle(page, repo, screenshots):
    page.goto(f"/{repo.name}/changeset/{repo.change}")
    with page.expect_navigation():
        page.click("a.diff-mode")
    assert "diffmode=sideside" in page.url
    page.screenshot(path=str(screenshots / "changeset-sideside.png"), full_page=True)
    row = page.locator("table.diff.sideside tr", has_text="line_3 = 333")
    assert row.locator("td").all_inner_texts() == ["3", "line_3 = 3", "3", "line_3 = 333"]
    with page.expect_navigation():
        page.click("a.diff-mode")
    assert "diffmode" not in page.url and page.locator("table.diff.unified").count() > 0


def test_ignore_whitespace_toggle_changes_the_diff(page, repo):
    page.goto(f"/{repo.name}/changeset/{repo.change}")
    added = "table.diff tr.added td.code"
    assert "        line_7 = 7" in page.locator(added).all_inner_texts()
    with page.expect_navigation():
        page.click("a.diff-ws")
    assert "ignorews=1" in page.url
    texts = page.locator(added).all_inner_texts()
    assert "        line_7 = 7" not in texts and "line_3 = 333" in texts
    assert page.locator("a.diff-ws").inner_text() == "Show whitespace changes"


def test_large_file_is_folded_and_opens(page, repo):
    page.goto(f"/{repo.name}/changeset/{repo.change}")
    big = page.locator("details.diff-file", has_text="added big.txt")
    assert big.get_attribute("open") is None
    assert not big.locator("td.code", has_text="big line 600").is_visible()
    big.locator("summary").click()
    assert big.locator("td.code", has_text="big line 600").is_visible()
    page.click("button.diff-fold[data-open='0']")
    assert page.locator("details.diff-file[open]").count() == 0


def test_compare_form_lists_exactly_the_branch_commits(page, repo, screenshots):
    page.goto(f"/{repo.name}/compare")
    page.select_option("#compare-base", "branch@master")
    page.select_option("#compare-head", "branch@feature")
    with page.expect_navigation():
        page.click("form.compare-form button[type=submit]")
    assert page.url.endswith(f"/{repo.name}/compare/branch%40master...branch%40feature") \
        or page.url.endswith(f"/{repo.name}/compare/branch@master...branch@feature")
    page.screenshot(path=str(screenshots / "compare.png"), full_page=True)
    links = page.locator("table.compare-commits a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())")
    assert links == repo.feature
    assert page.locator("details.diff-file > summary").all_inner_texts()[0].startswith("added feature.txt")


@pytest.mark.parametrize("mode", ["unified", "sideside"])
def test_no_page_level_horizontal_scroll_on_a_phone(page, repo, screenshots, mode):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path in (f"/{repo.name}/changeset/{repo.change}?diffmode={mode}",
                 f"/{repo.name}/compare/branch@master...branch@feature?diffmode={mode}",
                 f"/{repo.name}/compare"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, (path, width)
    page.goto(f"/{repo.name}/changeset/{repo.change}?diffmode={mode}#file-4")
    page.screenshot(path=str(screenshots / f"changeset-phone-{mode}.png"))
