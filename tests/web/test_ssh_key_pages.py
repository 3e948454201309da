"""The SSH key pages: my account's (/_admin/my_account/ssh_keys) and a super-admin's view of a
user (/_admin/users/<id>/edit/ssh_keys), forms with the session's CSRF token."""

from __future__ import annotations

import asyncssh
import httpx

from tests.factories import make_user
from tests.web.conftest import form_csrf, login

MINE = "/_admin/my_account/ssh_keys"


def public_key(comment: str = "me@laptop") -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key("openssh").decode()


def fingerprint(text: str) -> str:
    return asyncssh.import_public_key(text).get_fingerprint("sha256")


def test_my_keys(live_server, admin_api):
    user, other = make_user(admin_api), make_user(admin_api)
    text = public_key()
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert browser.get(MINE).status_code == 303  # to sign-in first
        login(browser, user.username, user.password)
        page = browser.get(MINE)
        assert "You have no SSH keys." in page.text and 'href="/_admin/my_account/ssh_keys"' in page.text
        csrf = form_csrf(page)
        # without the session's token: nothing happens
        assert browser.post(MINE, data={"key": text}).status_code == 403
        assert user.api.result("get_user_ssh_keys") == []
        added = browser.post(MINE, data={"csrf_token": csrf, "key": text, "comment": ""})
        assert added.status_code == 303
        page = browser.get(MINE)
        assert fingerprint(text) in page.text and "me@laptop" in page.text and "never" in page.text
        again = browser.post(MINE, data={"csrf_token": csrf, "key": text, "comment": "again"})
        assert again.status_code == 400 and "already in use" in again.text
        bad = browser.post(MINE, data={"csrf_token": csrf, "key": "ssh-dss AAAA", "comment": ""})
        assert bad.status_code == 400 and "not an OpenSSH public key" in bad.text
        [key] = user.api.result("get_user_ssh_keys")
        # another user's key id is not mine to remove
        theirs = other.api.result("add_user_ssh_key", key=public_key())["ssh_key"]
        refused = browser.post(f"{MINE}/delete", data={"csrf_token": csrf,
                                                        "ssh_key_id": str(theirs["ssh_key_id"])})
        assert refused.status_code == 404
        assert len(other.api.result("get_user_ssh_keys")) == 1
        assert browser.post(f"{MINE}/delete", data={"ssh_key_id": str(key["ssh_key_id"])}
                            ).status_code == 403
        gone = browser.post(f"{MINE}/delete", data={"csrf_token": csrf,
                                                     "ssh_key_id": str(key["ssh_key_id"])})
        assert gone.status_code == 303
        assert user.api.result("get_user_ssh_keys") == []


def test_a_users_keys_on_the_admin_pages(live_server, admin_api):
    user, nosy = make_user(admin_api), make_user(admin_api)
    edit = f"/_admin/users/{user.user_id}/edit/ssh_keys"
    text = public_key("laptop")
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, nosy.username, nosy.password)
        assert browser.get(edit).status_code == 404  # not a super-admin: no such page
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, live_server.admin_username, live_server.admin_password)
        csrf = form_csrf(browser.get(edit))
        added = browser.post(f"{edit}/new", data={"csrf_token": csrf, "key": text, "comment": "ci"})
        assert added.status_code == 303
        [key] = admin_api.result("get_user_ssh_keys", userid=user.user_id)
        assert key["comment"] == "ci" and key["fingerprint"] in browser.get(edit).text
        bad = browser.post(f"{edit}/new", data={"csrf_token": csrf, "key": "nope"})
        assert bad.status_code == 400
        browser.post(f"{edit}/delete", data={"csrf_token": csrf, "ssh_key_id": str(key["ssh_key_id"])})
        assert admin_api.result("get_user_ssh_keys", userid=user.user_id) == []
