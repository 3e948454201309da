"""``/_admin/user_groups`` over HTTP: every URL is missing for anonymous visitors and for a user
who administers no group; a group's own admin (not a super-admin) manages that group only; every
form refuses a missing CSRF token; creating, editing, members (a member then reads what the group
may read), the rows on the group, deleting; bad input answers 400 with nothing changed."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.web.conftest import form_csrf
from tests.web.test_admin_user_pages import admin_browser, signed_in

PAGES = ["", "/new", "/{id}/edit", "/{id}/edit/members", "/{id}/edit/permissions",
         "/{id}/edit/advanced", "/{id}/edit/global_permissions",
         "/{id}/edit/permissions_summary"]
FORMS = {  # a post that would change something, with what it sends
    "/create": {"group_name": "mallory-group", "active": "on"},
    "/{id}/update": {"group_name": "{name}-x", "owner": "{owner}", "active": "on"},
    "/{id}/delete": {"confirm": "{name}"},
    "/{id}/edit/members/new": {"username": "{owner}"},
    "/{id}/edit/members/delete": {"username": "{member}"},
    "/{id}/edit/permissions/update": {"action": "grant", "member_type": "user",
                                      "member": "{owner}", "perm": "usergroup.admin"},
    "/{id}/edit/global_permissions/update": {
        "create": "hg.create.repository", "create_on_write": "hg.create.write_on_repogroup.true",
        "repogroup_create": "hg.repogroup.create.true",
        "usergroup_create": "hg.usergroup.create.true", "fork": "hg.fork.repository",
        "inherit": "hg.inherit_default_perms.true"},
}
SUPER_ADMIN_ONLY = {"/{id}/edit/global_permissions"}


def _url(path: str, group: dict) -> str:
    return "/_admin/user_groups" + path.format(id=group["users_group_id"])


def _fields(fields: dict, group: dict, member: str) -> dict:
    return {key: value.format(name=group["group_name"], owner=group["owner"], member=member)
            for key, value in fields.items()}


def _group(admin_api, *members, **args) -> dict:
    name = args.pop("group_name", None) or unique("ug")
    admin_api.result("create_user_group", group_name=name, **args)
    for member in members:
        admin_api.result("add_user_to_user_group", usergroupid=name, userid=member.username)
    return admin_api.result("get_user_group", usergroupid=name)


def _state(admin_api, group: dict) -> dict | str:
    """What the API says of the group (members and rows included), or its refusal."""
    answer = admin_api.call("get_user_group", usergroupid=group["users_group_id"])
    return answer["error"] or answer["result"]


def _user_groups(admin_api) -> list[str]:
    return [g["group_name"] for g in admin_api.result("get_user_groups")]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_every_url_is_a_missing_page_to_who_administers_no_group(live_server, admin_api, who):
    member = make_user(admin_api)
    group = _group(admin_api, member)
    me = make_user(admin_api)  # reads every group (the default), administers none
    before = _state(admin_api, group)
    credentials = (me.username, me.password) if who == "outsider" else (None, None)
    with signed_in(live_server, *credentials) as browser:
        def missing(method: str, path: str, **fields) -> str:
            """The answer at the same address with ``user_groups`` unknown, words put back."""
            twin = browser.request(method, path.replace("/user_groups", "/no-such-groups"),
                                   **fields)
            assert twin.status_code == 404
            return twin.text.replace("no-such-groups", "user_groups")

        for path in PAGES:
            url = _url(path, group)
            answer = browser.get(url)
            assert (answer.status_code, answer.text) == (404, missing("GET", url)), path
        page = browser.get("/_admin/login" if who == "anonymous" else "/_admin/my_account")
        token = form_csrf(page)  # a valid token of this session: only the 404 stops them
        for path, fields in FORMS.items():
            data = {**_fields(fields, group, member.username), "csrf_token": token}
            answer = browser.post(_url(path, group), data=data)
            expected = missing("POST", _url(path, group), data=data)
            assert (answer.status_code, answer.text) == (404, expected), path
    assert _state(admin_api, group) == before
    assert "mallory-group" not in _user_groups(admin_api)


def test_a_group_admin_manages_his_group_only(live_server, admin_api):
    """Not a super-admin: ``usergroup.admin`` on one group opens that group's pages (as the API
    lets him change it), and only those."""
    keeper = make_user(admin_api)
    mine, other = _group(admin_api), _group(admin_api)
    admin_api.result("grant_user_permission_to_user_group", usergroupid=mine["group_name"],
                     userid=keeper.username, perm="usergroup.admin")
    with signed_in(live_server, keeper.username, keeper.password) as browser:
        listed = browser.get("/_admin/user_groups")
        assert listed.status_code == 200
        assert mine["group_name"] in listed.text and other["group_name"] not in listed.text
        assert "Create a user group" not in listed.text  # he may not create one
        assert browser.get("/_admin/user_groups/new").status_code == 404
        for path in PAGES[2:]:
            expected = 404 if path in SUPER_ADMIN_ONLY else 200
            assert browser.get(_url(path, mine)).status_code == expected, path
            assert browser.get(_url(path, other)).status_code == 404, path
        assert "Global permissions" not in browser.get(_url("/{id}/edit", mine)).text
        token = form_csrf(browser.get(_url("/{id}/edit/members", mine)))
        added = browser.post(_url("/{id}/edit/members/new", mine),
                             data={"csrf_token": token, "username": keeper.username})
        assert added.status_code == 303
    members = [m["name"] for m in _state(admin_api, mine)["members"] if m["type"] == "user"]
    assert keeper.username in members


def test_forms_refuse_a_missing_or_wrong_csrf_token(live_server, admin_api):
    member = make_user(admin_api)
    group = _group(admin_api, member)
    before = _state(admin_api, group)
    with admin_browser(live_server) as browser:
        assert browser.get("/_admin/user_groups").status_code == 200
        for path, fields in FORMS.items():
            for extra in ({}, {"csrf_token": "not-the-token"}):
                data = {**_fields(fields, group, member.username), **extra}
                refused = browser.post(_url(path, group), data=data)
                assert refused.status_code == 403, path
                assert "nothing was changed" in refused.text
    assert _state(admin_api, group) == before
    assert "mallory-group" not in _user_groups(admin_api)


def test_create_then_the_list_shows_it(live_server, admin_api):
    owner = make_user(admin_api)
    name = unique("made-ug")
    with admin_browser(live_server) as browser:
        form = browser.get("/_admin/user_groups/new")
        data = {"csrf_token": form_csrf(form), "group_name": name, "description": "the makers",
                "owner": owner.username, "active": "on"}
        made = browser.post("/_admin/user_groups/create", data=data)
        assert made.status_code == 303 and made.headers["location"].endswith("/edit")
        assert f"Created user group {name}" in browser.get(made.headers["location"]).text
        taken = browser.post("/_admin/user_groups/create", data=data)
        no_name = browser.post("/_admin/user_groups/create", data={**data, "group_name": " "})
        slash = browser.post("/_admin/user_groups/create", data={**data, "group_name": "a/b"})
        nobody = browser.post("/_admin/user_groups/create",
                              data={**data, "group_name": name + "-2", "owner": "no-such-one"})
        row = browser.get("/_admin/user_groups", params={"filter": name.upper()}).text
    assert taken.status_code == 400 and f"user group `{name}` already exists" in taken.text
    assert no_name.status_code == 400 and "group_name: Required" in no_name.text
    assert slash.status_code == 400 and "invalid user group name" in slash.text
    assert nobody.status_code == 400 and "there is no user named `no-such-one`" in nobody.text
    assert _user_groups(admin_api).count(name) == 1 and name + "-2" not in _user_groups(admin_api)
    made = admin_api.result("get_user_group", usergroupid=name)
    assert (made["owner"], made["group_description"], made["active"]) == (
        owner.username, "the makers", True)
    assert "1 matching" in row
    cells = row.split('class="group-row"')[1]
    assert name in cells and "the makers" in cells and owner.username in cells
    assert '<td class="members">0</td>' in cells


def test_the_list_filters_and_pages(live_server, admin_api):
    prefix = unique("pg").replace("-", "") + "x"
    for number in range(53):
        admin_api.result("create_user_group", group_name=f"{prefix}{number:03d}")
    with admin_browser(live_server) as browser:
        first = browser.get("/_admin/user_groups", params={"filter": prefix})
        second = browser.get("/_admin/user_groups", params={"filter": prefix, "page": 2})
        literal = browser.get("/_admin/user_groups", params={"filter": prefix + "%"})
    assert "53 matching" in first.text and "page 1 of 2" in first.text
    assert first.text.count('class="group-row"') == 50 and 'rel="next"' in first.text
    assert second.text.count('class="group-row"') == 3 and f"{prefix}052" in second.text
    assert "No user group matches" in literal.text


def test_edit_name_description_owner_and_active(live_server, admin_api):
    group = _group(admin_api)
    heir = make_user(admin_api)
    url = _url("/{id}", group)
    with admin_browser(live_server) as browser:
        form = {"csrf_token": form_csrf(browser.get(f"{url}/edit")),
                "group_name": group["group_name"], "description": "", "owner": group["owner"],
                "active": "on"}
        bad_owner = browser.post(f"{url}/update", data={**form, "owner": "nobody-here",
                                                        "description": "lost"})
        bad_name = browser.post(f"{url}/update", data={**form, "group_name": "x\ty"})
        unchanged = _state(admin_api, group)
        renamed = group["group_name"] + "-r"
        saved = browser.post(f"{url}/update", data={
            **form, "group_name": renamed, "description": "new words", "owner": heir.username,
            "active": ""})
        assert saved.status_code == 303
        said = browser.get(saved.headers["location"]).text
    assert bad_owner.status_code == 400 and "there is no user named `nobody-here`" in bad_owner.text
    assert bad_name.status_code == 400 and "invalid character" in bad_name.text
    assert (unchanged["group_name"], unchanged["group_description"]) == (group["group_name"], "")
    assert "updated: active, description, group_name, owner" in said
    after = admin_api.result("get_user_group", usergroupid=group["users_group_id"])
    assert (after["group_name"], after["group_description"], after["owner"], after["active"]) == (
        renamed, "new words", heir.username, False)


def test_members_get_the_groups_permission_on_a_repository(live_server, admin_api):
    member = make_user(admin_api)
    group = _group(admin_api)
    repo = create_repo(admin_api, "git", unique("ugrepo-"), private=True)
    admin_api.result("grant_user_group_permission", repoid=repo,
                     usergroupid=group["group_name"], perm="repository.read")
    assert member.api.call("get_repo", repoid=repo)["error"]
    url = _url("/{id}/edit/members", group)
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get(url))
        added = browser.post(f"{url}/new", data={"csrf_token": token, "username": member.username})
        assert added.status_code == 303
        assert member.username in browser.get(url).text
        assert member.api.result("get_repo", repoid=repo)["repo_name"] == repo
        unknown = browser.post(f"{url}/new", data={"csrf_token": token, "username": "ghost-x"})
        assert unknown.status_code == 400 and "there is no user named `ghost-x`" in unknown.text
        removed = browser.post(f"{url}/delete",
                               data={"csrf_token": token, "username": member.username})
        assert removed.status_code == 303
        assert f"{member.username} was removed" in browser.get(url).text
    assert member.api.call("get_repo", repoid=repo)["error"]
    assert [m for m in _state(admin_api, group)["members"] if m["name"] == member.username] == []


def test_rows_on_the_group_grant_and_revoke(live_server, admin_api):
    group, readers = _group(admin_api), _group(admin_api)
    helper = make_user(admin_api)
    url = _url("/{id}/edit/permissions", group)
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get(url))

        def send(**fields):
            return browser.post(f"{url}/update", data={"csrf_token": token, **fields})

        assert send(action="grant", member_type="user", member=helper.username,
                    perm="usergroup.admin").status_code == 303
        assert send(action="grant", member_type="user_group", member=readers["group_name"],
                    perm="usergroup.write").status_code == 303
        page = browser.get(url).text
        assert f"Granted write to user group {readers['group_name']}" in page
        theirs = browser.get(_url("/{id}/edit/permissions_summary", readers)).text
        assert f'<td class="name">{group["group_name"]}</td><td>write</td>' in theirs
        bad_perm = send(action="grant", member_type="user", member=helper.username,
                        perm="repository.admin")
        nobody = send(action="grant", member_type="user", member="ghost-y", perm="usergroup.read")
        itself = send(action="grant", member_type="user_group", member=group["group_name"],
                      perm="usergroup.read")
        rows = {(m["name"], m["type"]): m["permission"] for m in _state(admin_api, group)["members"]
                if m["origin"] == "permission"}
        assert rows[(helper.username, "user")] == "usergroup.admin"
        assert rows[(readers["group_name"], "user_group")] == "usergroup.write"
        with signed_in(live_server, helper.username, helper.password) as his:
            assert his.get(f"{_url('/{id}', group)}/edit").status_code == 200
        assert send(action="revoke", member_type="user", member=helper.username).status_code == 303
        assert send(action="revoke", member_type="user_group",
                    member=readers["group_name"]).status_code == 303
        with signed_in(live_server, helper.username, helper.password) as his:
            assert his.get(f"{_url('/{id}', group)}/edit").status_code == 404
    assert bad_perm.status_code == 400 and "choose one of" in bad_perm.text
    assert nobody.status_code == 400 and "there is no user named `ghost-y`" in nobody.text
    assert itself.status_code == 400 and "cannot hold a permission on itself" in itself.text
    names = {m["name"] for m in _state(admin_api, group)["members"] if m["origin"] == "permission"}
    assert helper.username not in names and readers["group_name"] not in names


def test_delete_asks_for_the_name_and_refuses_while_it_holds_permissions(live_server, admin_api):
    group = _group(admin_api)
    repo = create_repo(admin_api, "git", unique("ugdel-"))
    admin_api.result("grant_user_group_permission", repoid=repo,
                     usergroupid=group["group_name"], perm="repository.write")
    url = _url("/{id}", group)
    with admin_browser(live_server) as browser:
        page = browser.get(f"{url}/edit/advanced")
        assert page.status_code == 200 and repo in page.text
        summary = browser.get(f"{url}/edit/permissions_summary").text
        assert f'<td class="name">{repo}</td><td>write</td>' in summary
        token = form_csrf(page)
        wrong = browser.post(f"{url}/delete", data={"csrf_token": token, "confirm": "nope"})
        held = browser.post(f"{url}/delete",
                            data={"csrf_token": token, "confirm": group["group_name"]})
        assert group["group_name"] in _user_groups(admin_api)
        admin_api.result("revoke_user_group_permission", repoid=repo,
                         usergroupid=group["group_name"])
        gone = browser.post(f"{url}/delete",
                            data={"csrf_token": token, "confirm": group["group_name"]})
        assert gone.status_code == 303 and gone.headers["location"] == "/_admin/user_groups"
        listed = browser.get("/_admin/user_groups").text
        assert f"Deleted user group {group['group_name']}" in listed
        assert browser.get(f"{url}/edit").status_code == 404
    assert wrong.status_code == 400 and "to delete it" in wrong.text
    assert held.status_code == 400 and "still holds permissions" in held.text
    assert group["group_name"] not in _user_groups(admin_api)


def test_global_permissions_of_a_group_reach_its_members(live_server, admin_api):
    """A super-admin lets the group's members create user groups, which the site's defaults
    refuse them; a bad choice is refused with nothing changed; inheriting again takes it back."""
    member = make_user(admin_api)
    group = _group(admin_api, member)
    url = _url("/{id}/edit/global_permissions", group)
    fields = _fields(FORMS["/{id}/edit/global_permissions/update"], group, member.username)

    def may_create() -> bool:
        answer = member.api.call("create_user_group", group_name=unique("by-member"))
        return answer["error"] is None

    assert not may_create()
    with admin_browser(live_server) as browser:
        token = form_csrf(browser.get(url))
        bad = browser.post(f"{url}/update",
                           data={"csrf_token": token, **fields, "fork": "hg.fork.maybe"})
        assert bad.status_code == 400 and "fork: choose one of" in bad.text
        assert not may_create()
        own = browser.post(f"{url}/update", data={"csrf_token": token, **fields})
        assert own.status_code == 303
        page = browser.get(url).text
        assert "gives its members its own global permissions" in page
        assert may_create()
        back = browser.post(f"{url}/update", data={"csrf_token": token, **fields,
                                                   "inherit_default_permissions": "on"})
        assert back.status_code == 303
    assert not may_create()
