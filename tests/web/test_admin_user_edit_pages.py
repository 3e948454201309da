"""The tabs of a user's admin pages over HTTP: tokens, e-mails and the IP whitelist; the
permissions summary and global permissions against the API's answer; deleting (refused to an
owner, as the API's delete_user). Access and CSRF are in test_admin_user_pages.py."""

from __future__ import annotations

import httpx

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.web.conftest import form_csrf
from tests.web.test_admin_user_pages import admin_browser


def test_tokens_e_mails_and_ip_whitelist(live_server, admin_api):
    user = make_user(admin_api)
    edit = f"/_admin/users/{user.user_id}/edit"
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get(f"{edit}/auth_tokens"))
        made = browser.post(f"{edit}/auth_tokens/new", data={
            "csrf_token": token, "role": "token_role_api", "lifetime": "60",
            "description": "ci"})
        clear = made.text.split('<code id="new-token">', 1)[1].split("<", 1)[0]
        answer = httpx.post(live_server.api_url, timeout=60, json={
            "id": 1, "auth_token": clear, "method": "get_user", "args": {}}).json()
        assert answer["result"]["username"] == user.username
        row = made.text.split('class="token-row" data-token-id="')[-1]  # the newest
        token_id = row.split('"', 1)[0]
        assert clear[:8] in row and "<td>ci</td>" in row
        browser.post(f"{edit}/auth_tokens/delete", data={"csrf_token": token, "token_id": token_id})
        assert f'data-token-id="{token_id}"' not in browser.get(f"{edit}/auth_tokens").text
        gone = httpx.post(live_server.api_url, timeout=60, json={
            "id": 1, "auth_token": clear, "method": "get_user", "args": {}}).json()
        assert gone["error"]

        extra = f"{unique('extra')}@example.com"
        browser.post(f"{edit}/emails/new", data={"csrf_token": token, "new_email": extra})
        assert admin_api.result("get_user", userid=user.user_id)["emails"][-1] == extra
        taken = browser.post(f"{edit}/emails/new", data={"csrf_token": token, "new_email": extra})
        assert taken.status_code == 400 and "already in use" in taken.text
        email_id = browser.get(f"{edit}/emails").text.split('name="email_id" value="')[1][:12]
        browser.post(f"{edit}/emails/delete",
                     data={"csrf_token": token, "email_id": email_id.split('"')[0]})
        assert extra not in admin_api.result("get_user", userid=user.user_id)["emails"]

        browser.post(f"{edit}/ips/new", data={"csrf_token": token, "ip": "10.1.0.0/16",
                                             "description": "office"})
        assert admin_api.result("get_user", userid=user.user_id)["ip_addresses"] == ["10.1.0.0/16"]
        bad = browser.post(f"{edit}/ips/new", data={"csrf_token": token, "ip": "10.1.0.999"})
        assert bad.status_code == 400 and "not an IP address" in bad.text
        again = browser.post(f"{edit}/ips/new", data={"csrf_token": token, "ip": "10.1.0.0/16"})
        assert again.status_code == 400 and "already in the whitelist" in again.text
        ip_id = browser.get(f"{edit}/ips").text.split('name="ip_id" value="')[1].split('"')[0]
        browser.post(f"{edit}/ips/delete", data={"csrf_token": token, "ip_id": ip_id})
    assert admin_api.result("get_user", userid=user.user_id)["ip_addresses"] == []


def test_permissions_summary_and_global_permissions_agree_with_the_api(live_server, admin_api):
    user = make_user(admin_api)
    group = unique("ug")
    admin_api.result("create_user_group", group_name=group)
    admin_api.result("add_user_to_user_group", usergroupid=group, userid=user.user_id)
    repo = create_repo(admin_api, "git", unique("perm-"), private=True)
    admin_api.result("grant_user_group_permission", repoid=repo, usergroupid=group,
                     perm="repository.write")
    edit = f"/_admin/users/{user.user_id}/edit"
    with admin_browser(live_server) as browser:
        page = browser.get(f"{edit}/permissions_summary")
        row = page.text.split(f'<tr data-name="{repo}">', 1)[1].split("</tr>", 1)[0]
        api = admin_api.result("get_user", userid=user.user_id)["permissions"]
        assert f"<code>{api['repositories'][repo]}</code>" in row
        assert api["repositories"][repo] == "repository.write"
        assert f'<td class="origin">user group {group}</td>' in row

        token = form_csrf(page)
        chosen = {"create": "hg.create.none",
                  "create_on_write": "hg.create.write_on_repogroup.true",
                  "repogroup_create": "hg.repogroup.create.true",
                  "usergroup_create": "hg.usergroup.create.false", "fork": "hg.fork.none",
                  "inherit": "hg.inherit_default_perms.true"}
        done = browser.post(f"{edit}/global_permissions/update",
                            data={"csrf_token": token, **chosen})
        assert done.status_code == 303
        held = admin_api.result("get_user", userid=user.user_id)["permissions"]["global"]
        assert "hg.create.none" in held and "hg.repogroup.create.true" in held
        assert "set on your account" in browser.get(f"{edit}/permissions_summary").text
        bad = browser.post(f"{edit}/global_permissions/update",
                           data={"csrf_token": token, **chosen, "fork": "hg.admin"})
        assert bad.status_code == 400
        browser.post(f"{edit}/global_permissions/update",
                     data={"csrf_token": token, "inherit_default_permissions": "on"})
    held = admin_api.result("get_user", userid=user.user_id)["permissions"]["global"]
    assert "hg.create.repository" in held and "hg.repogroup.create.false" in held


def test_delete_asks_for_confirmation_and_refuses_an_owner(live_server, admin_api):
    owner = make_user(admin_api)
    repo = create_repo(admin_api, "git", unique("owned-"), owner=owner.username)
    plain = make_user(admin_api)
    with admin_browser(live_server) as browser:
        page = browser.get(f"/_admin/users/{owner.user_id}/edit/advanced")
        assert repo in page.text and "cannot be deleted" in page.text
        token = form_csrf(page)
        refused = browser.post(f"/_admin/users/{owner.user_id}/delete",
                               data={"csrf_token": token, "confirm": owner.username})
        assert refused.status_code == 400 and "still owns" in refused.text
        wrong = browser.post(f"/_admin/users/{plain.user_id}/delete",
                             data={"csrf_token": token, "confirm": "someone-else"})
        assert wrong.status_code == 400 and "type the username" in wrong.text
        assert admin_api.result("get_user", userid=plain.user_id)["username"] == plain.username
        done = browser.post(f"/_admin/users/{plain.user_id}/delete",
                            data={"csrf_token": token, "confirm": plain.username})
        assert done.status_code == 303 and done.headers["location"] == "/_admin/users"
        assert f"Deleted user {plain.username}" in browser.get("/_admin/users").text
        assert browser.get(f"/_admin/users/{plain.user_id}/edit").status_code == 404
    assert admin_api.result("get_user", userid=owner.user_id)["username"] == owner.username
    assert plain.username not in [u["username"] for u in admin_api.result("get_users")]
