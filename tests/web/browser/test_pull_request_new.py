"""Opening a pull request in a real browser: from the list's link, refs picked (the preview
reloads by itself), a reviewer added, created; and the form no wider than a phone."""

from __future__ import annotations

from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import commit_into
from tests.web.browser.conftest import PHONE_WIDTH, sign_in


def test_pick_refs_preview_and_create(page, live_server, admin_api, screenshots):
    repo = create_repo(admin_api, "git", unique("prnew-browser-"))
    push_commits(live_server, repo, "git", {"base.txt": "base\n"})
    commit_into(hosted_folder(live_server, repo), "git", {"picked.txt": "picked\n"},
                branch="picked")
    alice, bob = make_user(admin_api), make_user(admin_api)

    sign_in(page, alice.username, alice.password, came_from=f"/{repo}/pull-request")
    with page.expect_navigation():
        page.click("text=New pull request")
    assert page.url.endswith(f"/{repo}/pull-request/new")
    page.select_option("#pr-source-ref", "branch:picked")
    page.wait_for_selector("#pr-preview >> text=picked.txt")  # the script swapped the preview in
    assert "1 commit" in page.inner_text("#pr-preview")
    page.fill("#pr-title", "Picked in a browser")
    page.fill("#pr-description", "It *works*")
    page.fill("#pr-reviewers", bob.username[:-1])  # the autocomplete offers bob
    page.wait_for_function(  # the server's answer replaced the list: only names that match
        """([typed, name]) => {
             const values = [...document.querySelectorAll('#pr-users option')].map(o => o.value);
             return values.includes(name) && values.every(v => v.startsWith(typed));
           }""", arg=[bob.username[:-1], bob.username])
    page.fill("#pr-reviewers", bob.username)
    page.fill("#pr-reason", "a second pair of eyes")
    with page.expect_navigation():
        page.click("text=Preview")
    assert page.input_value("#pr-title") == "Picked in a browser"  # the text typed is kept
    assert page.locator("#pr-preview >> text=picked.txt").count() >= 1
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=str(screenshots / "pull-request-new-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=Create pull request")
    number = int(page.url.rsplit("/", 1)[1])
    assert page.url.endswith(f"/{repo}/pull-request/{number}")
    pr = admin_api.result("get_pull_request", repoid=repo, pullrequestid=number)
    assert pr["title"] == "Picked in a browser"
    assert [r["user"]["username"] for r in pr["reviewers"]] == [bob.username]
