"""The search pages in a real browser: the header's box leads to the site's search, a pushed
word shows with its line number and highlight, a line links into the file, the repository's
own search page stays in that repository, and an anonymous visitor sees nothing private."""

from __future__ import annotations

import time

from tests.factories import make_user, unique
from tests.transport.clients import Clients, Credentials
from tests.web.browser.conftest import PHONE_WIDTH, sign_in

POLL_SECONDS = 30


def test_search_from_the_header(page, live_server, admin_api, tmp_path, screenshots):
    owner = make_user(admin_api)
    word = unique("pangolin").replace("-", "")
    name = unique("search-browser-")
    hidden = unique("search-hidden-")
    for repo, private in ((name, False), (hidden, True)):
        admin_api.result("create_repo", repo_name=repo, repo_type="git", owner=owner.username,
                         private=private)
        clients = Clients(live_server.url, tmp_path / repo)
        credentials = Credentials(owner.username, owner.password)
        cloned, work = clients.clone("git", repo, credentials)
        cloned.check()
        work.commit("docs/notes.md", f"first line\nthe {word} sleeps\n", message=f"{word} note")
        work.push(credentials).check()
    deadline = time.monotonic() + POLL_SECONDS  # the index catches up in the background
    while owner.api.result("search", search_query=word, search_type="content")["item_count"] < 2:
        assert time.monotonic() < deadline, "the pushes were not indexed"
        time.sleep(0.05)

    sign_in(page, owner.username, owner.password)
    page.fill("header.site input#code-search", word)
    with page.expect_navigation():
        page.press("header.site input#code-search", "Enter")
    assert "/_admin/search?q=" in page.url
    hits = page.locator("li.search-hit.file")
    assert hits.count() == 2
    assert page.locator("p.search-count").inner_text().startswith("2 results")
    line = page.locator(f"li.search-hit:has(a.repo:text-is('{name}')) table.search-lines tr")
    assert line.locator("td.line-number").inner_text() == "2"
    assert line.locator("span.match").inner_text() == word
    page.screenshot(path=str(screenshots / "search.png"), full_page=True)

    page.select_option("select[name=type]", "commit")
    with page.expect_navigation():
        page.click("form.search-page button[type=submit]")
    assert page.locator("li.search-hit.commit").count() == 2

    page.goto(f"/{name}/search?q={word}")
    assert page.locator("li.search-hit").count() == 1
    with page.expect_navigation():
        page.locator("td.line-number a").click()
    assert page.url.endswith("/docs/notes.md#L2")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto(f"/_admin/search?q={word}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    page.context.clear_cookies()
    page.goto(f"/_admin/search?q={word}")
    assert [h.inner_text() for h in page.locator("li.search-hit a.repo").all()] == [name]
    page.goto(f"/_admin/search?q={word}+%22")
    assert page.locator("li.search-hit").count() == 1  # a stray quote is only a character
    page.goto("/_admin/search?q=%3F%21")
    assert page.locator("p.flash.error").inner_text() == "Invalid search query. Try quoting it."
