"""A whole review in a real browser, once for git and once for hg (issue 16's review test):
alice pushes a branch over HTTP and opens a pull request on the page; bob comments on a line
(still there after a reload), adds a TODO and rejects; alice pushes a fix and presses Update
commits (version 2, bob's comment outdated); bob resolves the TODO and approves; only a
writer sees the merge button; merging moves the target branch (``git ls-remote`` /
``hg identify``), a fresh clone has the merge, and alice's journal has the entry."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.transport.clients import Clients, Credentials, remote_heads
from tests.web.browser.conftest import sign_in

MAIN = {"git": "master", "hg": "default"}


def _general(page, text: str, *, status: str = "", kind: str = "note") -> None:
    form = page.locator("section.comments > form.comment-form")
    form.locator("textarea[name=text]").fill(text)
    form.locator("select[name=comment_type]").select_option(kind)
    form.locator("select[name=changeset_status]").select_option(status)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _team(admin_api, kind: str, prefix: str):
    """A new repository, alice who may write to it and bob who reads it."""
    name = unique(prefix)
    admin_api.result("create_repo", repo_name=name, repo_type=kind)
    alice, bob = make_user(admin_api), make_user(admin_api)
    for user, perm in ((alice, "repository.write"), (bob, "repository.read")):
        admin_api.result("grant_user_permission", repoid=name, userid=user.user_id, perm=perm)
    return name, alice, bob


def _push(work, kind: str, credentials, branch: str, name: str, text: str) -> str:
    if kind == "hg":
        work.hg("branch", "--force", branch).check()
    commit = work.commit(name, text, message=f"{name} on {branch}")
    pushed = work.push(credentials, branch=branch)
    pushed.check()
    return commit


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_a_whole_review(kind, page, chromium, live_server, admin_api, tmp_path):
    name, alice, bob = _team(admin_api, kind, f"review-{kind}-")
    clients = Clients(live_server.url, tmp_path)
    as_alice = Credentials(alice.username, alice.password)
    _cloned, work = clients.clone(kind, name, as_alice)
    if kind == "git":
        work.git("checkout", "--quiet", "-b", MAIN[kind]).check()
    _push(work, kind, as_alice, MAIN[kind], "story.txt", "one\ntwo\nthree\n")
    if kind == "git":
        work.git("checkout", "--quiet", "-b", "feature").check()
    _push(work, kind, as_alice, "feature", "story.txt", "one\nTWO\nthree\n")

    # alice opens the pull request on the page
    sign_in(page, alice.username, alice.password, came_from=f"/{name}/pull-request/new")
    page.select_option("#pr-source-ref", "branch:feature")
    page.select_option("#pr-target-ref", f"branch:{MAIN[kind]}")
    page.wait_for_selector("#pr-preview >> text=story.txt")
    page.fill("#pr-title", "Shout two")
    page.fill("#pr-reviewers", bob.username)
    with page.expect_navigation():
        page.click("text=Create pull request")
    url = page.url.removeprefix(live_server.url)
    assert "/pull-request/" in url

    # bob: an inline comment that survives a reload, then a TODO and a rejection
    reviewer = chromium.new_context(base_url=live_server.url)
    reviewer.set_default_timeout(20_000)
    bobs = reviewer.new_page()
    sign_in(bobs, bob.username, bob.password, came_from=url)
    line = bobs.locator('details[data-path="story.txt"] td[id$="-n2"]')
    line.hover()
    line.locator("button.line-comment").click()
    row = bobs.locator("tr.line-form")
    row.locator("textarea[name=text]").fill("Why so loud?")
    with bobs.expect_navigation():
        row.locator("button[type=submit]").click()
    bobs.reload()
    assert "Why so loud?" in bobs.locator("tr.inline-comments").first.inner_text()
    _general(bobs, "Add a test first", kind="todo", status="rejected")
    assert bobs.locator("#review-status").inner_text() == "Rejected"
    assert bobs.locator("form[action$='/merge']").count() == 0  # bob only reads

    # alice pushes a fix over HTTP and updates the commits: version 2, bob's comment outdated
    _push(work, kind, as_alice, "feature", "test.txt", "tested\n")
    page.goto(url)
    with page.expect_navigation():
        page.click("form[action$='/update'] button")
    assert page.locator("section.pr-versions tr[data-version='2']").count() == 1
    outdated = page.locator("section.comments p.comment-place:has(.badge.outdated)")
    assert outdated.count() >= 1 and "story.txt" in outdated.first.inner_text()
    assert "Why so loud?" in page.locator("section.comments").inner_text()
    assert "TODO" in page.locator("ul.merge-refusals").inner_text()

    # bob resolves the TODO and approves
    bobs.goto(url)
    with bobs.expect_navigation():
        bobs.locator("form.comment-resolve button").first.click()
    _general(bobs, "Good now", status="approved")
    assert bobs.locator("#review-status").inner_text() == "Approved"
    assert bobs.locator("form[action$='/merge']").count() == 0
    reviewer.close()

    # alice (write) merges; the target branch moved, a fresh clone and the journal show it
    page.goto(url)
    with page.expect_navigation():
        page.click("form[action$='/merge'] button")
    assert page.locator(".pr-state").get_attribute("data-state") == "merged"
    merged_as = page.locator("table.details tr:has(th:text-is('Merged as')) a")
    merge_commit = merged_as.get_attribute("href").rsplit("/", 1)[1]
    heads = remote_heads(clients, kind, name, as_alice).check().stdout
    if kind == "git":
        assert f"{merge_commit}\trefs/heads/master" in heads
    else:
        assert merge_commit in heads.split()
    _fresh, copy = clients.clone(kind, name, as_alice)
    _fresh.check()
    if kind == "git":
        assert copy.git("log", "--format=%H", "master").check().stdout.split()[0] == merge_commit
    else:
        assert merge_commit in copy.hg("log", "--template", "{node}\n").check().stdout
    page.goto("/_admin/journal")
    entry = page.locator(f"li.journal-entry[data-repo='{name}']").first
    assert MAIN[kind] in entry.inner_text()


def test_a_pull_request_from_a_fork(page, chromium, live_server, admin_api, tmp_path):
    """bob forks, pushes to his fork over HTTP and opens a pull request into the parent on the
    page; alice, who may write to the parent, merges it there."""
    parent, alice, bob = _team(admin_api, "git", "review-parent-")
    clients = Clients(live_server.url, tmp_path)
    as_alice, as_bob = (Credentials(u.username, u.password) for u in (alice, bob))
    _cloned, work = clients.clone("git", parent, as_alice)
    work.git("checkout", "--quiet", "-b", "master").check()
    _push(work, "git", as_alice, "master", "story.txt", "one\n")
    fork = unique("review-fork-")
    bob.api.result("fork_repo", repoid=parent, fork_name=fork)
    _cloned, mine = clients.clone("git", fork, as_bob)
    mine.git("checkout", "--quiet", "-b", "forked").check()
    mine.repo_name = fork
    _push(mine, "git", as_bob, "forked", "story.txt", "one\ntwo\n")

    sign_in(page, bob.username, bob.password, came_from=f"/{fork}/pull-request/new")
    with page.expect_navigation():
        page.select_option("#pr-target-repo", parent)
    page.select_option("#pr-source-ref", "branch:forked")
    page.select_option("#pr-target-ref", "branch:master")
    page.wait_for_selector("#pr-preview >> text=story.txt")
    page.fill("#pr-title", "Two, from my fork")
    with page.expect_navigation():
        page.click("text=Create pull request")
    url = page.url.removeprefix(live_server.url)
    assert url.startswith(f"/{parent}/pull-request/")
    assert fork in page.locator("td.pr-source").inner_text()
    assert page.locator("form[action$='/merge']").count() == 0  # bob only reads the parent

    writer = chromium.new_context(base_url=live_server.url)
    writer.set_default_timeout(20_000)
    alices = writer.new_page()
    sign_in(alices, alice.username, alice.password, came_from=url)
    with alices.expect_navigation():
        alices.click("form[action$='/merge'] button")
    assert alices.locator(".pr-state").get_attribute("data-state") == "merged"
    merged_as = alices.locator("table.details tr:has(th:text-is('Merged as')) a")
    merge_commit = merged_as.get_attribute("href").rsplit("/", 1)[1]
    writer.close()
    heads = remote_heads(clients, "git", parent, as_alice).check().stdout
    assert f"{merge_commit}\trefs/heads/master" in heads
