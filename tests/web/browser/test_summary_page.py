"""The summary, refs and fork pages in a real browser: a README's script never runs while its
Markdown renders, the copy button copies the clone URL, the branches page's links lead
somewhere, and a fork made through the form is listed and names its source."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import commit_into
from tests.web.browser.conftest import PHONE_WIDTH, sign_in

README = """# Welcome aboard

See [the manual](https://example.com/manual) and `code`.

<script>window.readmeRan = true;</script>
<img src="nothing.png" onerror="window.readmeRan = true">
<a href="javascript:window.readmeRan = true">click me</a>

A_very_long_word_that_should_wrap_rather_than_widen_the_page_on_a_phone_xxxxxxxxxxxxxxxxxxxxxxxxx
"""


def test_readme_renders_and_its_script_never_runs(page, live_server, admin_api, screenshots):
    name = create_repo(admin_api, "git", description="The summary in a browser")
    push_commits(live_server, name, "git", {"README.md": README, "src/app.py": "print(1)\n"})
    page.goto(f"/{name}")
    readme = page.locator("section.readme .markup")
    assert readme.locator("h1").inner_text() == "Welcome aboard"
    link = readme.locator("a", has_text="the manual")
    assert link.get_attribute("href") == "https://example.com/manual"
    assert readme.locator("script").count() == 0
    page.click("text=click me")  # a javascript: link lost its href
    page.wait_for_timeout(200)
    assert page.evaluate("window.readmeRan") is None
    page.screenshot(path=str(screenshots / "summary.png"), full_page=True)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto(f"/{name}")
    page.screenshot(path=str(screenshots / "summary-readme-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_the_copy_button_copies_the_clone_url(page, live_server, admin_api):
    name = create_repo(admin_api, "hg")
    push_commits(live_server, name, "hg", {"a": "1\n"})
    user = make_user(admin_api)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, user.username, user.password)
    page.goto(f"/{name}")
    host = live_server.url.split("://", 1)[1]
    expected = f"http://{user.username}@{host}/{name}"
    assert page.input_value("#clone-http") == expected
    button = page.locator("button.copy")
    button.click()
    page.wait_for_function("document.querySelector('button.copy').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_branches_page_links_work(page, live_server, admin_api, screenshots):
    name = create_repo(admin_api, "git")
    push_commits(live_server, name, "git", {"a": "1\n"})
    feature, = commit_into(hosted_folder(live_server, name), "git", {"f.txt": "feature\n"},
                           branch="feature")
    page.goto(f"/{name}")
    with page.expect_navigation():
        page.click("a.count-branches")
    assert page.url.endswith(f"/{name}/branches")
    rows = page.locator("tr.ref-row")
    assert rows.locator("td.name a").all_inner_texts() == ["feature", "master"]
    assert rows.nth(1).locator(".badge").inner_text() == "default"
    page.screenshot(path=str(screenshots / "branches.png"), full_page=True)
    compare = rows.nth(0).locator("a.compare").get_attribute("href")
    assert compare == f"/{name}/compare/branch@master...branch@feature"
    with page.expect_navigation():
        rows.nth(0).locator("a.browse").click()
    assert page.url.endswith(f"/{name}/files/{feature}/")
    assert page.locator("a", has_text="f.txt").count() == 1
    page.go_back()
    with page.expect_navigation() as went:
        page.locator("tr.ref-row").nth(0).locator("td.commit a").click()
    assert went.value.status == 200 and page.url.endswith(f"/changeset/{feature}")


def test_a_fork_made_with_the_form(page, live_server, admin_api, screenshots):
    source = create_repo(admin_api, "git", description="fork me")
    push_commits(live_server, source, "git", {"README.md": "# Original\n"})
    user = make_user(admin_api)
    sign_in(page, user.username, user.password)
    page.goto(f"/{source}")
    with page.expect_navigation():
        page.click("ul.facts a[href$='/fork']")
    page.screenshot(path=str(screenshots / "fork-form.png"), full_page=True)
    fork = unique("browser-fork-")
    page.fill("#fork-name", fork)
    page.fill("#fork-description", "my own copy")
    with page.expect_navigation():
        page.click("form.fork-form button[type=submit]")
    assert page.url.endswith(f"/{fork}")
    assert f"Forked {source} as {fork}." in page.locator("p.flash").inner_text()
    forked_from = page.locator("p.forked-from a")
    assert forked_from.inner_text() == source
    assert page.locator("section.readme h1").inner_text() == "Original"
    page.screenshot(path=str(screenshots / "fork-summary.png"), full_page=True)
    with page.expect_navigation():
        forked_from.click()
    with page.expect_navigation():
        page.click("nav.repo a[href$='/forks']")
    assert page.locator("tr.fork-row td.name a").all_inner_texts() == [fork]
    page.screenshot(path=str(screenshots / "forks.png"), full_page=True)


def test_the_pages_fit_a_phone(page, live_server, admin_api, screenshots):
    source = create_repo(admin_api, "hg", description="a-long-description-" * 6)
    push_commits(live_server, source, "hg", {"README.rst": "Title\n=====\n\n" + "word " * 200})
    commit_into(hosted_folder(live_server, source), "hg", {"b": "2\n"},
                branch="a-rather-long-branch-name-for-a-small-screen")
    admin_api.result("fork_repo", repoid=source, fork_name=unique("phone-fork-"))
    user = make_user(admin_api)
    sign_in(page, user.username, user.password)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path in ("", "/branches", "/tags", "/bookmarks", "/fork", "/forks"):
        page.goto(f"/{source}{path}")
        shot = (path.strip("/") or "summary") + "-390.png"
        page.screenshot(path=str(screenshots / shot), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, (path, width)
