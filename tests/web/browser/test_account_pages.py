"""My account, follow, gists and sign-up in a real browser, with screenshots of each page."""

from __future__ import annotations

import httpx

from tests.factories import make_user, unique
from tests.web.browser.conftest import PHONE_WIDTH, sign_in
from tests.web.conftest import login, make_repo
from tests.web.test_registration_pages import site


def _api_answer(live_server, token: str) -> dict:
    return httpx.post(f"{live_server.url}/_admin/api", timeout=60, json={
        "id": 1, "auth_token": token, "method": "get_user", "args": {}}).json()


def test_a_token_made_on_my_account_works_for_the_api_until_revoked(page, live_server, admin_api, screenshots):
    user = make_user(admin_api)
    sign_in(page, user.username, user.password, "/_admin/my_account/auth_tokens")
    assert page.url.endswith("/_admin/my_account/auth_tokens")
    page.fill("#token-description", "my script")
    page.select_option("#token-role", "token_role_api")
    page.select_option("#token-lifetime", "1440")
    with page.expect_navigation():
        page.click("form.new-token button[type=submit]")
    token = page.locator("#new-token").inner_text().strip()
    assert len(token) == 40
    page.screenshot(path=str(screenshots / "account-tokens.png"), full_page=True)
    row = page.locator("tr.token-row", has_text="my script")
    assert token[:8] in row.inner_text() and token not in row.inner_text()
    assert "api" in row.inner_text()
    page.goto("/_admin/my_account/auth_tokens")
    assert page.locator("#new-token").count() == 0  # shown once, in the answer to the form
    assert _api_answer(live_server, token)["result"]["username"] == user.username

    with page.expect_navigation():
        row.locator("button", has_text="Revoke").click()
    assert "was revoked" in page.locator("p.flash").inner_text()
    assert page.locator("tr.token-row", has_text="my script").count() == 0
    assert _api_answer(live_server, token)["error"]


def test_profile_e_mails_and_the_other_sections(page, live_server, admin_api, screenshots):
    user = make_user(admin_api, firstname="Old")
    sign_in(page, user.username, user.password, "/_admin/my_account")
    page.fill("#profile-firstname", "Grace")
    page.fill("#profile-lastname", "Hopper")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit] >> nth=0")
    assert "saved" in page.locator("p.flash").inner_text()
    extra = f"{unique('extra')}@example.com"
    page.fill("#new-email", extra)
    with page.expect_navigation():
        page.click("form.add-email button[type=submit]")
    assert extra in page.locator("ul.emails").inner_text()
    page.screenshot(path=str(screenshots / "account-profile.png"), full_page=True)
    answer = admin_api.result("get_user", userid=user.user_id)
    assert (answer["firstname"], answer["lastname"]) == ("Grace", "Hopper")
    assert extra in answer["emails"]
    taken = make_user(admin_api)
    page.fill("#profile-email", taken.data["email"])
    with page.expect_navigation():
        page.click("form.account-form button[type=submit] >> nth=0")
    assert "already in use" in page.locator("#profile-email-error").inner_text()
    with page.expect_navigation():
        page.click(f"ul.emails button[aria-label='Remove {extra}']")
    assert extra not in admin_api.result("get_user", userid=user.user_id)["emails"]

    owned = make_repo(live_server, admin_api, "git", rich=False, owner=user.username)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for path, shot in (("/_admin/my_account", "account-profile-390.png"),
                       ("/_admin/my_account/repos", "account-repos-390.png"),
                       ("/_admin/my_account/perms", "account-perms-390.png"),
                       ("/_admin/my_account/auth_tokens", "account-tokens-390.png")):
        page.goto(path)
        page.screenshot(path=str(screenshots / shot), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
    page.goto("/_admin/my_account/repos")
    assert owned.name in page.locator("table.account-repos").inner_text()
    page.goto("/_admin/my_account/perms")
    row = page.locator("table.perms-repositories tr", has_text=owned.name)
    assert "repository.admin" in row.inner_text() and "owner" in row.inner_text()
    assert page.locator("nav.account-sections a", has_text="IP whitelist").count() == 0
    assert page.goto("/_admin/my_account/ips").status == 404


def test_follow_a_repository_then_see_it_on_watched(page, live_server, admin_api, screenshots):
    user = make_user(admin_api)
    repo = make_repo(live_server, admin_api, "hg", rich=False)
    page.goto(f"/{repo.name}")
    assert page.locator("h1 form.follow").count() == 0  # anonymous: no button
    sign_in(page, user.username, user.password, f"/{repo.name}")
    button = page.locator("h1 form.follow button")
    assert button.inner_text() == "Follow" and button.get_attribute("aria-pressed") == "false"
    with page.expect_navigation():
        button.click()
    assert page.url.endswith(f"/{repo.name}")
    assert page.locator("h1 form.follow button").inner_text() == "Unfollow"
    page.screenshot(path=str(screenshots / "repo-following.png"))
    page.goto("/_admin/my_account/watched")
    assert page.locator("tr.repo-row td.name a").all_inner_texts() == [repo.name]
    page.screenshot(path=str(screenshots / "account-watched.png"), full_page=True)
    with page.expect_navigation():
        page.click("tr.repo-row td.name a")
    with page.expect_navigation():
        page.click("h1 form.follow button")
    page.goto("/_admin/my_account/watched")
    assert page.locator("tr.repo-row").count() == 0


def test_gist_create_edit_delete(page, live_server, admin_api, screenshots):
    user = make_user(admin_api)
    sign_in(page, user.username, user.password, "/_admin/gists/new")
    page.fill("#gist-description", "browser gist")
    page.fill(".gist-file >> nth=0 >> input[name=filename]", "hello.py")
    page.fill(".gist-file >> nth=0 >> textarea", "print('hello')\n")
    page.click("button.add-file")
    page.fill(".gist-file >> nth=1 >> input[name=filename]", "notes.txt")
    page.fill(".gist-file >> nth=1 >> textarea", "<b>not bold</b>\n")
    page.check("input[name=gist_type][value=private]")
    page.screenshot(path=str(screenshots / "gist-new.png"), full_page=True)
    with page.expect_navigation():
        page.click("form.gist-form button[type=submit]")
    assert "Gist created" in page.locator("p.flash").inner_text()
    gist_url = page.url
    access_id = gist_url.rsplit("/", 1)[1]
    assert len(access_id) == 20  # private: a random id
    assert [t.split()[0] for t in page.locator("section.file h3").all_inner_texts()] == ["hello.py", "notes.txt"]
    assert "<b>not bold</b>" in page.locator("section.file >> nth=1").inner_text()
    page.screenshot(path=str(screenshots / "gist.png"), full_page=True)

    page.goto("/_admin/gists?private=1")
    assert page.locator("tr.gist-row td.name a").all_inner_texts() == [access_id]
    page.goto("/_admin/gists")
    assert access_id not in page.locator("main").inner_text()  # private: not listed
    page.screenshot(path=str(screenshots / "gists.png"), full_page=True)

    page.goto(gist_url)
    with page.expect_navigation():
        page.click(".gist-actions a")
    page.fill(".gist-file >> nth=0 >> textarea", "print('edited')\n")
    page.fill(".gist-file >> nth=1 >> input[name=filename]", "")
    page.fill(".gist-file >> nth=1 >> textarea", "")
    page.screenshot(path=str(screenshots / "gist-edit.png"), full_page=True)
    with page.expect_navigation():
        page.click("form.gist-form button[type=submit]")
    assert "Gist updated" in page.locator("p.flash").inner_text()
    assert [t.split()[0] for t in page.locator("section.file h3").all_inner_texts()] == ["hello.py"]
    assert "edited" in page.locator("section.file").inner_text()

    other = make_user(admin_api)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:  # not his to edit
        login(browser, other.username, other.password)
        assert browser.get(f"/_admin/gists/{access_id}/edit").status_code == 404
    answers = ["no", "yes"]  # deleting asks first: "no" keeps the gist
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.accept() if answers.pop(0) == "yes" else d.dismiss()))
    page.click("form.gist-delete button")
    page.wait_for_timeout(500)
    assert asked and page.url == gist_url and page.locator("section.file").count() == 1
    with page.expect_navigation():
        page.click("form.gist-delete button")
    assert len(asked) == 2
    assert "was deleted" in page.locator("p.flash").inner_text()
    assert page.goto(gist_url).status == 404


def test_register_in_each_mode(page, live_server, admin_api, screenshots):
    with site(live_server, "hg.register", "hg.register.none"):
        assert page.goto("/_admin/register").status == 404
    for mode, active in (("hg.register.manual_activate", False), ("hg.register.auto_activate", True)):
        name = unique("browser-join")
        with site(live_server, "hg.register", mode):
            page.goto("/_admin/register")
            page.fill("#register-username", name)
            page.fill("#register-email", f"{name}@example.com")
            page.fill("#register-password", "joiner-secret")
            page.fill("#register-password_confirmation", "joiner-secret")
            page.screenshot(path=str(screenshots / f"register-{mode.rsplit('.', 1)[1]}.png"), full_page=True)
            with page.expect_navigation():
                page.click("form.register button[type=submit]")
            flash = page.locator("p.flash").inner_text()
            assert ("activate it" in flash) is not active
            sign_in(page, name, "joiner-secret")
            assert (page.locator("a.account").count() == 1) is active
            page.context.clear_cookies()
    page.goto("/_admin/password_reset")
    page.screenshot(path=str(screenshots / "password-reset-no-mail.png"), full_page=True)
