"""The files pages in a real browser: from the home page down to a file and a line, line and
range highlighting, the file finder, blame and history across a rename (git), a binary's
download, a README whose script never runs, and a phone-wide file page without sideways
scrolling. Screenshots of each page go to the ``screenshots`` folder."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import PHONE_WIDTH
from tests.web.file_tree import file_tree


@pytest.fixture(scope="module")
def tree(live_server, admin_api):
    return file_tree(live_server, admin_api, "git")


def selected_lines(page) -> list[str]:
    return page.locator("table.code-lines tr.selected").evaluate_all("rows => rows.map(r => r.id)")


def test_from_home_down_to_a_line_and_a_range(page, tree, screenshots):
    page.goto(f"/?filter={tree.name}")
    with page.expect_navigation():
        page.click(f"tr.repo-row a[href='/{tree.name}']")
    with page.expect_navigation():
        page.click("nav.repo >> text=Files")
    page.screenshot(path=str(screenshots / "files-directory.png"), full_page=True)
    with page.expect_navigation():
        page.click("table.entries a:text-is('src/')")
    with page.expect_navigation():
        page.click("table.entries a:text-is('main.py')")
    assert page.url.endswith(f"/{tree.name}/files/tip/src/main.py")
    page.click("#L3 td.num a")
    assert page.evaluate("location.hash") == "#L3"
    assert selected_lines(page) == ["L3"]
    page.click("#L6 td.num a", modifiers=["Shift"])
    assert page.evaluate("location.hash") == "#L3-L6"
    assert selected_lines(page) == ["L3", "L4", "L5", "L6"]
    page.screenshot(path=str(screenshots / "files-file.png"), full_page=True)

    page.goto(f"/{tree.name}/files/tip/big.txt#L2-L4")
    assert selected_lines(page) == ["L2", "L3", "L4"]
    page.goto(f"/{tree.name}/files/tip/big.txt#L9000")
    assert selected_lines(page) == ["L9000"]
    assert page.locator("#L9000").is_visible()
    assert page.evaluate("window.scrollY") > 1000  # scrolled down to it on load


def test_the_finder_filters_the_paths(page, tree):
    page.goto(f"/{tree.name}/files/tip/")
    page.fill("#file-finder", "leaf")
    results = page.locator(".finder-results a")
    results.first.wait_for()
    assert results.all_inner_texts() == ["deep/a/b/c/leaf.txt"]
    page.fill("#file-finder", "src py")
    page.wait_for_function("document.querySelectorAll('.finder-results a').length === 2")
    assert sorted(results.all_inner_texts()) == ["src/long.py", "src/main.py"]
    page.fill("#file-finder", "nothing-like-this")
    page.wait_for_function("document.querySelector('.finder-status').textContent === 'No path matches.'")
    page.fill("#file-finder", "leaf")
    with page.expect_navigation():
        page.press("#file-finder", "Enter")
    assert page.url.endswith("/files/tip/deep/a/b/c/leaf.txt")


def test_blame_and_history_across_the_rename(page, tree, screenshots):
    tree_id, rename_id = tree.ids
    page.goto(f"/{tree.name}/annotate/tip/src/main.py")
    firsts = page.locator("table.blame tr.first td.commit code.hash").all_inner_texts()
    assert firsts == [tree_id[:12], rename_id[:12]]
    assert page.locator("table.blame tr").count() == 8
    page.screenshot(path=str(screenshots / "files-blame.png"), full_page=True)
    page.click("#L8 td.num a")
    assert selected_lines(page) == ["L8"]
    with page.expect_navigation():
        page.click("nav.file-links >> text=History")
    hashes = page.locator("tr.revision code.hash").all_inner_texts()
    assert hashes == [rename_id[:12], tree_id[:12]]
    page.screenshot(path=str(screenshots / "files-history.png"), full_page=True)
    with page.expect_navigation():
        page.click("tr.revision td.path a:text-is('src/app.py')")  # the file before the rename
    assert page.url.endswith(f"/files/{tree_id}/src/app.py")
    assert page.locator("table.code-lines tr").count() == 7


def test_a_binary_file_is_offered_for_download(page, tree):
    page.goto(f"/{tree.name}/files/tip/data/blob.bin")
    with page.expect_download() as info:
        page.click("p.binary a.download")
    assert info.value.suggested_filename == "blob.bin"
    page.goto(f"/{tree.name}/files/tip/img/pixel.png")
    assert page.locator(".file .image img").evaluate("img => img.complete && img.naturalWidth") == 1


def test_markdown_renders_and_its_script_never_runs(page, tree, screenshots):
    page.goto(f"/{tree.name}/files/tip/README.md")
    assert page.locator("article.rendered h1").inner_text() == "The title"
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.screenshot(path=str(screenshots / "files-markdown.png"), full_page=True)
    with page.expect_navigation():
        page.click("nav.file-links >> text=Source")
    assert "<script>window.pwned = 1</script>" in page.locator("table.code-lines").inner_text()
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_no_sideways_page_scroll_on_a_phone(page, tree, screenshots):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path in ("files/tip/src/long.py", "files/tip/", "annotate/tip/src/long.py",
                 "history/tip/src/main.py", "files/tip/README.md"):
        page.goto(f"/{tree.name}/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, (path, width)
    page.goto(f"/{tree.name}/files/tip/src/long.py")
    page.screenshot(path=str(screenshots / "files-phone.png"), full_page=True)
    # the long line scrolls inside its own box
    assert page.locator(".code-scroll").evaluate("box => box.scrollWidth > box.clientWidth")
