"""A repository group's settings pages over the wire: only its administrators see them
(everyone else gets the 404 of an address naming nothing), each form changes what it says and
what the API then answers, a permission change is shown before it is made and then makes
exactly that, a form without this session's CSRF token changes nothing, and bad input is a 400
page with the rule's sentence and nothing changed."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.web.conftest import form_csrf, login
from tests.web.test_repo_settings_pages import signed_in

# the pages (GET) and, after them, where their forms post (POST only)
PAGES = ("/_settings", "/_edit", "/_settings/permissions", "/_settings/advanced")
POSTS = ("/_settings/permissions/update", "/_settings/advanced/delete")
TABS = {"/_settings": ("", "Settings"), "/_edit": ("", "Settings"),
        "/_settings/permissions": ("/permissions", "Permissions"),
        "/_settings/advanced": ("/advanced", "Advanced")}


def group_settings_paths(group_name: str) -> list[str]:
    """Every page only a group's administrators see."""
    return [f"/{group_name}{tail}" for tail in PAGES]


def group_admin(admin_api, group_name: str):
    """A user who is not a super-admin, with group.admin on ``group_name`` only."""
    user = make_user(admin_api)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=group_name,
                     userid=user.user_id, perm="group.admin")
    return user


def group_info(admin_api, group_name: str) -> dict:
    return admin_api.result("get_repo_group", repogroupid=group_name)


def rows(admin_api, method: str, name: str) -> dict[str, str]:
    """name → permission of the rows written on a repository or group (origin "permission")."""
    if method == "get_repo":
        members = admin_api.result("get_repo", repoid=name)["members"]
    else:
        members = group_info(admin_api, name)["members"]
    return {m["name"]: m["permission"] for m in members if m["origin"] == "permission"}


def main(answer: httpx.Response, name: str) -> str:
    return answer.text.split("<main", 1)[1].split("</main>", 1)[0].replace(name, "NAME")


@pytest.fixture(scope="module")
def guarded(admin_api):
    name = unique("guarded-group-")
    admin_api.result("create_repo_group", group_name=name)
    people = {perm: make_user(admin_api) for perm in ("group.read", "group.write")}
    for perm, user in people.items():
        admin_api.result("grant_user_permission_to_repo_group", repogroupid=name,
                         userid=user.user_id, perm=perm)
    return name, people, make_user(admin_api), group_admin(admin_api, name)


@pytest.mark.parametrize("tail", PAGES + POSTS)
def test_only_administrators_see_the_settings_pages(live_server, admin_api, guarded, tail):
    name, people, outsider, administrator = guarded
    path = f"/{name}{tail}"
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        absent = unique("missing-")
        missing = client.get(f"/{absent}{tail}")
        assert missing.status_code == 404
        for auth in (None, (outsider.username, outsider.password),
                     *((u.username, u.password) for u in people.values())):
            hidden = client.get(path, auth=auth)
            assert hidden.status_code == 404, (path, auth)
            assert main(hidden, name) == main(missing, absent)  # the same 404, word for word
            # no token: 403 for a form's URL, the unknown address for a page without a form
            assert client.post(path, auth=auth).status_code in (403, 404)
        for auth in ((administrator.username, administrator.password),
                     (live_server.admin_username, live_server.admin_password)):
            shown = client.get(path, auth=auth)
            if tail in POSTS:
                assert shown.status_code == 404  # only forms post there
                continue
            assert shown.status_code == 200, (path, shown.text[-800:])
            tab = TABS[tail]  # the page's own tab is marked
            assert f'/_settings{tab[0]}" aria-current="page">{tab[1]}</a>' in shown.text
    with signed_in(live_server, people["group.write"]) as writer:
        listing = writer.get(f"/{name}")
        assert listing.status_code == 200 and f"/{name}/_settings" not in listing.text
        token = form_csrf(writer.get("/_admin/logout"))
        assert writer.post(f"/{name}/_settings", data={
            "csrf_token": token, "name": "stolen"}).status_code == 404
    assert group_info(admin_api, name)["group_name"] == name  # the attempt changed nothing


def test_rename_move_describe_and_lock(live_server, admin_api):
    name = unique("renamed-group-")
    admin_api.result("create_repo_group", group_name=name, description="before")
    repo = create_repo(admin_api, "git", f"{name}/inside")
    user = group_admin(admin_api, name)
    new_name = unique("new-group-")
    with signed_in(live_server, user) as client:
        listing = client.get(f"/{name}")
        assert f'href="/{name}/_settings">Group settings</a>' in listing.text
        form = client.get(f"/{name}/_settings")
        assert form.status_code == 200 and f'value="{name}"' in form.text
        renamed = client.post(f"/{name}/_settings", data={
            "csrf_token": form_csrf(form), "name": new_name, "parent": "/",
            "description": "after", "owner": live_server.admin_username,
            "enable_locking": "on"})
        assert renamed.status_code == 303, renamed.text[-600:]
        assert renamed.headers["location"] == f"/{new_name}/_settings"
        page = client.get(renamed.headers["location"])
        assert (f"Repository group {new_name} updated: description, enable_locking, name."
                in page.text)
        assert client.get(f"/{name}").status_code == 404
    info = group_info(admin_api, new_name)
    assert (info["group_description"], info["repositories"]) == ("after", [f"{new_name}/inside"])
    assert admin_api.result("get_repo", repoid=f"{new_name}/inside")["enable_locking"] is True
    assert hosted_folder(live_server, f"{new_name}/inside").is_dir()
    assert not hosted_folder(live_server, repo).exists()
    # moving needs the right to create groups there: the super-admin moves it under another
    parent = unique("parent-group-")
    admin_api.result("create_repo_group", group_name=parent)
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        assert login(client, live_server.admin_username, live_server.admin_password
                     ).status_code == 302
        form = client.get(f"/{new_name}/_edit")  # RhodeCode 4's URL of the same form
        assert f'<option value="{parent}">' in form.text
        moved = client.post(f"/{new_name}/_settings", data={
            "csrf_token": form_csrf(form), "name": new_name, "parent": parent,
            "description": "after", "owner": live_server.admin_username,
            "enable_locking": "on"})
        assert moved.headers["location"] == f"/{parent}/{new_name}/_settings"
    assert group_info(admin_api, f"{parent}/{new_name}")["parent_group"] == parent
    assert hosted_folder(live_server, f"{parent}/{new_name}/inside").is_dir()


def test_delete_asks_for_the_name_and_an_empty_group(live_server, admin_api):
    parent = unique("doomed-parent-")
    admin_api.result("create_repo_group", group_name=parent)
    name = f"{parent}/doomed"
    admin_api.result("create_repo_group", group_name=name)
    create_repo(admin_api, "hg", f"{name}/still-here")
    user = group_admin(admin_api, name)
    url = f"/{name}/_settings/advanced"
    with signed_in(live_server, user) as client:
        page = client.get(url)
        assert "Only an empty group can be deleted" in page.text
        assert 'name="confirm"' not in page.text
        token = form_csrf(page)
        full = client.post(f"{url}/delete", data={"csrf_token": token, "confirm": name})
        assert full.status_code == 400 and "is not empty" in full.text
        admin_api.result("delete_repo", repoid=f"{name}/still-here")
        page = client.get(url)
        assert 'name="confirm"' in page.text
        wrong = client.post(f"{url}/delete", data={"csrf_token": token, "confirm": "doomed"})
        assert wrong.status_code == 400 and "to delete it" in wrong.text
        assert group_info(admin_api, name)["group_name"] == name
        gone = client.post(f"{url}/delete", data={"csrf_token": token, "confirm": name})
        assert gone.status_code == 303 and gone.headers["location"] == f"/{parent}"
    assert admin_api.call("get_repo_group", repogroupid=name)["error"] == (
        f"repository group `{name}` does not exist")
    assert not hosted_folder(live_server, name).exists()


def preview_rows(html: str) -> dict[str, tuple[str, str]]:
    """name → (row now, row after) of a preview page's table."""
    table = html.split('class="list preview-rows"', 1)[1].split("</table>", 1)[0]
    found = {}
    for row in re.findall(r"<tr class=\"(?:changes|same)\">(.*?)</tr>", table, re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        found[cells[0].rsplit(" ", 1)[0]] = (cells[1], cells[2])
    return found


@pytest.fixture
def tree(admin_api):
    """G with G/r1, G/S, G/S/r2 and a private G/secret; a group admin of G; a user group."""
    g = unique("tree-")
    admin_api.result("create_repo_group", group_name=g)
    admin_api.result("create_repo_group", group_name=f"{g}/S")
    for repo, private in (("r1", False), ("S/r2", False), ("secret", True)):
        create_repo(admin_api, "git", f"{g}/{repo}", private=private)
    team = unique("team-")
    admin_api.result("create_user_group", group_name=team)
    return g, group_admin(admin_api, g), team


def test_a_grant_applied_to_children_is_previewed_then_made(live_server, admin_api, tree):
    g, user, team = tree
    url = f"/{g}/_settings/permissions"
    grant = {"action": "grant", "member_type": "user_group", "member": team,
             "perm": "group.write", "apply_to_children": "all"}
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(url))
        preview = client.post(f"{url}/update", data={"csrf_token": token, **grant})
        assert preview.status_code == 200, preview.text[-600:]
        shown = preview_rows(preview.text)
        assert shown == {g: ("no row", "write"), f"{g}/S": ("no row", "write"),
                         f"{g}/S/r2": ("no row", "write"), f"{g}/r1": ("no row", "write"),
                         f"{g}/secret": ("no row", "write")}
        assert team not in rows(admin_api, "get_repo_group", g)  # nothing written yet
        confirm = form_csrf(preview), preview.text.split('name="confirm" value="', 1)[1][:64]
        done = client.post(f"{url}/update", data={"csrf_token": confirm[0], **grant,
                                                  "confirm": confirm[1]})
        assert done.status_code == 303 and done.headers["location"] == url
        page = client.get(url)
        assert f"Granted write to user group {team} on {g} and 4 below it." in page.text
    for name, (_now, after) in shown.items():
        method = "get_repo_group" if name in (g, f"{g}/S") else "get_repo"
        expected = "group.write" if method == "get_repo_group" else "repository.write"
        assert after == "write" and rows(admin_api, method, name)[team] == expected, name


def test_a_stale_preview_is_refused_and_shown_again(live_server, admin_api, tree):
    g, user, _team = tree
    bob = make_user(admin_api)
    url = f"/{g}/_settings/permissions/update"
    grant = {"action": "grant", "member_type": "user", "member": bob.username,
             "perm": "group.read", "apply_to_children": "repos"}
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(f"/{g}/_settings/permissions"))
        preview = client.post(url, data={"csrf_token": token, **grant})
        digest = preview.text.split('name="confirm" value="', 1)[1][:64]
        create_repo(admin_api, "git", f"{g}/S/late")
        stale = client.post(url, data={"csrf_token": token, **grant, "confirm": digest})
        assert stale.status_code == 409 and "no longer what you were shown" in stale.text
        assert preview_rows(stale.text)[f"{g}/S/late"] == ("no row", "read")
        assert bob.username not in rows(admin_api, "get_repo", f"{g}/r1")
        assert bob.username not in rows(admin_api, "get_repo_group", g)


def test_revoke_with_apply_to_repositories(live_server, admin_api, tree):
    g, user, _team = tree
    bob = make_user(admin_api)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=g, userid=bob.user_id,
                     perm="group.read", apply_to_children="all")
    url = f"/{g}/_settings/permissions"
    revoke = {"action": "revoke", "member_type": "user", "member": bob.username,
              "apply_to_children": "repos"}
    with signed_in(live_server, user) as client:
        page = client.get(url)
        assert f'<td class="name">{bob.username} <span class="meta">user</span></td>' in page.text
        preview = client.post(f"{url}/update", data={"csrf_token": form_csrf(page), **revoke})
        assert preview_rows(preview.text) == {
            g: ("read", "no row"), f"{g}/S/r2": ("read", "no row"),
            f"{g}/r1": ("read", "no row"), f"{g}/secret": ("read", "no row")}
        digest = preview.text.split('name="confirm" value="', 1)[1][:64]
        done = client.post(f"{url}/update", data={"csrf_token": form_csrf(page), **revoke,
                                                  "confirm": digest})
        assert done.status_code == 303
    assert bob.username not in rows(admin_api, "get_repo_group", g)
    assert bob.username not in rows(admin_api, "get_repo", f"{g}/S/r2")
    assert rows(admin_api, "get_repo_group", f"{g}/S")[bob.username] == "group.read"  # kept


def test_forms_without_the_session_token_change_nothing(live_server, admin_api, tree):
    g, user, team = tree
    before = group_info(admin_api, g)
    posts = {"/_settings": {"name": unique("csrf-moved-"), "parent": "/", "owner": user.username,
                            "description": ""},
             "/_settings/advanced/delete": {"confirm": g}}
    with signed_in(live_server, user) as client:
        page = client.get(f"/{g}/_settings/permissions")
        grant = {"action": "grant", "member_type": "user_group", "member": team,
                 "perm": "group.admin", "apply_to_children": "all"}
        preview = client.post(f"/{g}/_settings/permissions/update",
                              data={"csrf_token": form_csrf(page), **grant})
        grant["confirm"] = preview.text.split('name="confirm" value="', 1)[1][:64]
        posts["/_settings/permissions/update"] = grant
        for tail, data in posts.items():
            for token in ({}, {"csrf_token": "not-the-token"}):
                refused = client.post(f"/{g}{tail}", data={**data, **token})
                assert refused.status_code == 403 and "nothing was changed" in refused.text
    assert group_info(admin_api, g) == before
    assert team not in rows(admin_api, "get_repo", f"{g}/r1")


def test_bad_input_is_a_400_page_and_changes_nothing(live_server, admin_api, tree):
    g, user, team = tree
    taken = unique("taken-")
    admin_api.result("create_repo_group", group_name=taken)
    before = group_info(admin_api, g)
    form = {"name": g, "parent": "/", "description": before["group_description"],
            "owner": before["owner"]}
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(f"/{g}/_settings"))
        for changes, sentence in (({"name": ""}, "group_name: must be a single name"),
                                  ({"name": "bad name!", "description": "x"}, "group_name"),
                                  ({"name": taken}, "already exists"),
                                  ({"owner": unique("nobody-")}, "does not exist"),
                                  ({"parent": ""}, "choose where the group goes"),
                                  ({"parent": taken}, "no right to create repository groups")):
            answer = client.post(f"/{g}/_settings", data={"csrf_token": token, **form,
                                                           **changes})
            assert answer.status_code == 400, (changes, answer.text[-600:])
            assert sentence in unescape(answer.text), (changes, answer.text[-600:])
            assert "Not accepted" in answer.text
        grant = {"csrf_token": token, "action": "grant", "member_type": "user",
                 "member": "nobody-at-all", "perm": "group.read", "apply_to_children": "all"}
        for changes, sentence in (({}, "there is no user named `nobody-at-all`"),
                                  ({"member_type": "user_group", "member": "no-team"},
                                   "there is no user group named `no-team`"),
                                  ({"member": team, "member_type": "user_group",
                                    "perm": "repository.read"}, "perm: choose one of"),
                                  ({"member": team, "member_type": "user_group",
                                    "apply_to_children": "everything"},
                                   "apply_to_children: choose one of")):
            answer = client.post(f"/{g}/_settings/permissions/update",
                                 data={**grant, **changes})
            assert answer.status_code == 400 and sentence in unescape(answer.text), changes
    assert group_info(admin_api, g) == before


def test_a_group_named_like_the_settings_keeps_its_page(live_server, admin_api):
    parent = unique("keyword-")
    admin_api.result("create_repo_group", group_name=parent)
    admin_api.result("create_repo_group", group_name=f"{parent}/_settings")
    auth = (live_server.admin_username, live_server.admin_password)
    with httpx.Client(base_url=live_server.url, timeout=60, auth=auth) as client:
        listing = client.get(f"/{parent}/_settings")
        assert listing.status_code == 200 and f"<h1>{parent}/_settings</h1>" in listing.text
        assert f'href="/{parent}/_settings/_settings">Group settings</a>' in listing.text
        # the parent's settings stay reachable at RhodeCode 4's own URL
        edit = client.get(f"/{parent}/_edit")
        assert edit.status_code == 200 and f"Settings of {parent}</h2>" in edit.text
        inner = client.get(f"/{parent}/_settings/_settings/permissions")
        assert inner.status_code == 200 and f"Settings of {parent}/_settings</h2>" in inner.text
        # a repository's page whose path ends like a group's settings stays the repository's
        repo = create_repo(admin_api, "git", f"{parent}/code")
        files = {"_settings": "settings-file-text\n", "_edit": "edit-file-text\n"}
        push_commits(live_server, repo, "git", files)
        for name, content in files.items():
            file_page = client.get(f"/{repo}/files/tip/{name}")
            assert file_page.status_code == 200 and content.strip() in file_page.text, name


def test_the_404_check_covers_every_group_page():
    """A page added under a group's settings must be added to PAGES (or, for a form's target,
    POSTS), so the first test proves it answers 404 to whoever may not administer the group."""
    from vcshub.web.group_pages import ROUTES, wanted

    covered = {wanted(f"/team/inner{tail}")[1] for tail in PAGES + POSTS}
    assert set(ROUTES.values()) <= covered
    assert {wanted(f"/team/inner{tail}")[1] for tail in PAGES} == {
        view for view in ROUTES.values() if "GET" in view.methods}
