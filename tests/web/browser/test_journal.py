"""The journal in a real browser: pushes made with the real git client over HTTP appear in the
pusher's journal (he follows the repository he owns), page by page, with links that work."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.transport.clients import Clients, Credentials
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_a_push_appears_in_the_journal(page, live_server, admin_api, tmp_path, screenshots):
    owner = make_user(admin_api)
    name = unique("journal-browser-")
    admin_api.result("create_repo", repo_name=name, repo_type="git", owner=owner.username,
                     private=True)
    clients = Clients(live_server.url, tmp_path)
    credentials = Credentials(owner.username, owner.password)
    cloned, work = clients.clone("git", name, credentials)
    cloned.check()
    pushed = []
    for i in range(21):  # one page is 20 entries
        pushed.append(work.commit(f"f{i}.txt", f"{i}\n", message=f"change {i}"))
        work.push(credentials).check()

    sign_in(page, owner.username, owner.password, came_from="/_admin/journal")
    assert page.url.endswith("/_admin/journal")
    entries = page.locator(f"li.journal-entry[data-repo='{name}']")
    assert entries.count() == 20
    first = entries.first
    assert "pushed 1 commit to branch master" in first.inner_text()
    assert first.locator("a.repo").get_attribute("href") == f"/{name}"
    page.screenshot(path=str(screenshots / "journal.png"), full_page=True)
    with page.expect_navigation():
        page.click("nav.pager a[rel=next]")
    assert page.locator(f"li.journal-entry[data-repo='{name}']").count() == 1
    oldest = page.locator(f"li.journal-entry[data-repo='{name}'] ul.commits a")
    assert oldest.get_attribute("href") == f"/{name}/changeset/{pushed[0]}"
    with page.expect_navigation():
        oldest.click()
    assert page.url.endswith(f"/{name}/changeset/{pushed[0]}")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto("/_admin/journal")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    page.context.clear_cookies()
    page.goto("/_admin/public_journal")
    assert page.locator(f"li.journal-entry[data-repo='{name}']").count() == 0
    page.screenshot(path=str(screenshots / "public-journal.png"), full_page=True)


def test_another_user_does_not_see_a_private_push(page, live_server, admin_api, tmp_path):
    owner = make_user(admin_api)
    name = unique("journal-hidden-")
    admin_api.result("create_repo", repo_name=name, repo_type="git", owner=owner.username,
                     private=True)
    clients = Clients(live_server.url, tmp_path)
    credentials = Credentials(owner.username, owner.password)
    cloned, work = clients.clone("git", name, credentials)
    cloned.check()
    work.commit("a.txt", "a\n")
    work.push(credentials).check()
    other = make_user(admin_api)
    sign_in(page, other.username, other.password, came_from="/_admin/journal")
    assert page.locator("main h1").inner_text() == "Journal"
    assert name not in page.content()
