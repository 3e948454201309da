"""A repository's settings pages over the wire: only its administrators see them (everyone
else gets the missing page's 404), each form changes what it says and what the API then
answers, a form without this session's CSRF token changes nothing, and bad input is a 400 page
with the rule's sentence and nothing changed."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import (
    TASK_GUARD_SECONDS, create_repo, drop_create_right, hosted_folder, push_commits,
)
from tests.factories.commits import make_source_repository
from tests.web.conftest import form_csrf, login
from tests.web.test_private_pages import settings_paths


@contextlib.contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert login(client, user.username, user.password).status_code == 302
        yield client


def repo_admin(admin_api, repo_name: str):
    """A user who is not a super-admin, with repository.admin on ``repo_name``."""
    user = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=repo_name, userid=user.user_id,
                     perm="repository.admin")
    return user


def the_form(info: dict, **changes) -> dict:
    """What the main settings form sends for a repository as get_repo describes it."""
    group, _slash, short = info["repo_name"].rpartition("/")
    data = {"name": short, "group": group,
            "description": info["description"], "owner": info["owner"],
            "landing_rev": ":".join(info["landing_rev"]), "fork_of": info["fork_of"] or "",
            "clone_uri": info["clone_uri"] or ""}
    for flag in ("private", "enable_downloads", "enable_locking", "enable_statistics"):
        if info[flag]:
            data[flag] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def member_rows(admin_api, repo_name: str) -> dict[str, str]:
    members = admin_api.result("get_repo", repoid=repo_name)["members"]
    return {m["name"]: m["permission"] for m in members if m["origin"] == "permission"}


TABS = {"": ("", "Settings"), "/permissions": ("/permissions", "Permissions"),
        "/advanced": ("/advanced", "Advanced"), "/advanced/delete": ("/advanced", "Advanced"),
        "/strip": ("/advanced", "Advanced"), "/remote": ("/remote", "Remote"),
        "/fields": ("/fields", "Extra fields")}


@pytest.fixture(scope="module")
def guarded(live_server, admin_api):
    name = create_repo(admin_api, "git", unique("guarded-"))
    push_commits(live_server, name, "git", {"README": "x\n"})
    people = {perm: make_user(admin_api) for perm in ("repository.read", "repository.write")}
    for perm, user in people.items():
        admin_api.result("grant_user_permission", repoid=name, userid=user.user_id, perm=perm)
    return name, people, make_user(admin_api), repo_admin(admin_api, name)


@pytest.mark.parametrize("tail", [path.split("/settings", 1)[1] for path in settings_paths("r")])
def test_only_administrators_see_the_settings_pages(live_server, guarded, tail):
    name, people, outsider, administrator = guarded
    path = f"/{name}/settings{tail}"
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        absent = unique("missing-")
        missing = client.get(f"/{absent}/settings{tail}")
        assert missing.status_code == 404

        def main(answer: httpx.Response, name: str) -> str:
            return answer.text.split("<main", 1)[1].split("</main>", 1)[0].replace(name, "NAME")
        for auth in (None, (outsider.username, outsider.password),
                     *((u.username, u.password) for u in people.values())):
            hidden = client.get(path, auth=auth)
            assert hidden.status_code == 404, (path, auth)
            assert main(hidden, name) == main(missing, absent)  # the same 404, word for word
            # no token: 403 (a page without a form: 405)
            assert client.post(path, auth=auth).status_code in (403, 405)
        for auth in ((administrator.username, administrator.password),
                     (live_server.admin_username, live_server.admin_password)):
            shown = client.get(path, auth=auth)
            assert shown.status_code == 200, (path, shown.text[-800:])
            tab = TABS[tail]  # the page's own tab is marked
            assert f'/settings{tab[0]}" aria-current="page">{tab[1]}</a>' in shown.text
    with signed_in(live_server, people["repository.write"]) as writer:
        summary = writer.get(f"/{name}")
        assert summary.status_code == 200 and f'href="/{name}/settings"' not in summary.text
        token = form_csrf(writer.get("/_admin/logout"))
        assert writer.post(path if tail else f"/{name}/settings",
                           data={"csrf_token": token, "name": "stolen"}).status_code in (404, 405)


def test_rename_moves_the_repository_and_redirects(live_server, admin_api):
    name = create_repo(admin_api, "git", unique("old-"), description="before")
    push_commits(live_server, name, "git", {"README": "x\n"})
    user = repo_admin(admin_api, name)
    new_name = unique("new-")
    with signed_in(live_server, user) as client:
        form = client.get(f"/{name}/settings")
        assert form.status_code == 200 and f'value="{name}"' in form.text
        assert f'href="/{name}/settings"' in client.get(f"/{name}").text  # the menu's link
        info = admin_api.result("get_repo", repoid=name)
        moved = client.post(f"/{name}/settings", data={
            "csrf_token": form_csrf(form), **the_form(info, name=new_name, description="after",
                                                      private="on")})
        assert moved.status_code == 303 and moved.headers["location"] == f"/{new_name}/settings"
        page = client.get(moved.headers["location"])
        assert page.status_code == 200 and f"Repository {new_name} updated" in page.text
        assert client.get(f"/{name}").status_code == 404
    assert hosted_folder(live_server, new_name).is_dir()
    assert not hosted_folder(live_server, name).exists()
    after = admin_api.result("get_repo", repoid=new_name)
    assert after["description"] == "after" and after["private"] is True
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        assert anonymous.get(f"/{new_name}").status_code == 404  # private now


def test_permissions_page_grants_revokes_and_explains(live_server, admin_api):
    name = create_repo(admin_api, "git", unique("perms-"))
    user = repo_admin(admin_api, name)
    bob, carol = make_user(admin_api), make_user(admin_api)
    team = unique("team-")
    admin_api.result("create_user_group", group_name=team)
    admin_api.result("add_user_to_user_group", usergroupid=team, userid=carol.user_id)
    url = f"/{name}/settings/permissions"
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(url))
        for data in ({"member_type": "user", "member": bob.username, "perm": "repository.write"},
                     {"member_type": "user_group", "member": team, "perm": "repository.read"}):
            done = client.post(url, data={"csrf_token": token, "action": "grant", **data})
            assert done.status_code == 303 and done.headers["location"] == url
        assert member_rows(admin_api, name)[bob.username] == "repository.write"
        assert bob.api.call("get_repo", repoid=name).get("error") is None  # he may read it now
        page = client.get(url)
        assert "Granted read to user group" in page.text
        inherited = page.text.split("Who else has access", 1)[1].split("</table>", 1)[0]
        assert (f'<td class="name">{carol.username}</td><td>read</td>'
                f"<td>user group {team}</td>") in inherited
        assert f"<td class=\"name\">{live_server.admin_username}</td><td>admin</td>" \
               "<td>super-administrator</td>" in inherited  # the owner, and a super-admin
        assert f'<td class="name">{bob.username}</td>' not in inherited  # his own row says it
        why = client.get(url, params={"why": bob.username})
        assert f"<strong>{bob.username}</strong>: write, from own row." in why.text
        revoked = client.post(url, data={"csrf_token": token, "action": "revoke",
                                         "member_type": "user", "member": bob.username})
        assert revoked.status_code == 303
    assert bob.username not in member_rows(admin_api, name)


def test_delete_asks_for_the_name_first(live_server, admin_api):
    name = create_repo(admin_api, "hg", unique("doomed-"))
    user = repo_admin(admin_api, name)
    with signed_in(live_server, user) as client:
        assert client.get(f"/{name}/settings").status_code == 200  # an empty hg repository
        confirm = client.get(f"/{name}/settings/advanced/delete")
        assert confirm.status_code == 200 and 'name="confirm"' in confirm.text
        token = form_csrf(confirm)
        refused = client.post(f"/{name}/settings/advanced/delete",
                              data={"csrf_token": token, "confirm": "something else"})
        assert refused.status_code == 400 and "to delete it" in refused.text
        assert admin_api.call("get_repo", repoid=name).get("error") is None
        gone = client.post(f"/{name}/settings/advanced/delete",
                           data={"csrf_token": token, "confirm": name})
        assert gone.status_code == 303 and gone.headers["location"] == "/"
        assert f"Deleted repository {name}." in client.get("/").text
    assert admin_api.call("get_repo", repoid=name)["error"] == f"repository `{name}` does not exist"
    assert not hosted_folder(live_server, name).exists()


def test_forms_without_the_session_token_change_nothing(live_server, admin_api):
    name = create_repo(admin_api, "git", unique("csrf-"))
    user = repo_admin(admin_api, name)
    bob = make_user(admin_api)
    info = admin_api.result("get_repo", repoid=name)
    posts = {"": the_form(info, name=unique("csrf-moved-")),
             "/permissions": {"action": "grant", "member_type": "user", "member": bob.username,
                              "perm": "repository.admin"},
             "/advanced/delete": {"confirm": name}}
    with signed_in(live_server, user) as client:
        client.get(f"/{name}/settings")
        for tail, data in posts.items():
            for token in ({}, {"csrf_token": "not-the-token"}):
                refused = client.post(f"/{name}/settings{tail}", data={**data, **token})
                assert refused.status_code == 403 and "nothing was changed" in refused.text
    assert admin_api.result("get_repo", repoid=name) == info
    assert bob.username not in member_rows(admin_api, name)


def test_bad_input_is_a_400_page_and_changes_nothing(live_server, admin_api):
    name = create_repo(admin_api, "git", unique("strict-"))
    taken = create_repo(admin_api, "git", unique("taken-"))
    user = repo_admin(admin_api, name)
    info = admin_api.result("get_repo", repoid=name)
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(f"/{name}/settings"))
        for changes, sentence in (({"name": ""}, "name: must be a single name"),
                                  ({"name": "bad name!", "description": "changed"}, "name"),
                                  ({"name": taken}, "already exists"),
                                  ({"owner": "nobody-" + unique("x")}, "does not exist"),
                                  ({"landing_rev": "nonsense"}, "landing_rev")):
            answer = client.post(f"/{name}/settings",
                                 data={"csrf_token": token, **the_form(info, **changes)})
            assert answer.status_code == 400, changes
            assert sentence in answer.text, (changes, answer.text[-600:])
            assert "Not accepted" in answer.text
        unknown = client.post(f"/{name}/settings/permissions", data={
            "csrf_token": token, "action": "grant", "member_type": "user",
            "member": "nobody-at-all", "perm": "repository.read"})
        assert unknown.status_code == 400
        assert "there is no user named `nobody-at-all`" in unknown.text
    assert admin_api.result("get_repo", repoid=name) == info
    assert hosted_folder(live_server, name).is_dir()


def test_advanced_fields_and_remote_pages(live_server, admin_api):
    parent = create_repo(admin_api, "git", unique("parent-"))
    name = create_repo(admin_api, "git", unique("child-"))
    push_commits(live_server, name, "git", {"README": "x\n"})
    user = repo_admin(admin_api, name)
    admin_api.result("grant_user_permission", repoid=parent, userid=user.user_id,
                     perm="repository.read")
    settings = f"/{name}/settings"
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(f"{settings}/advanced"))

        def post(tail: str, **data) -> httpx.Response:
            answer = client.post(settings + tail, data={"csrf_token": token, **data})
            assert answer.status_code == 303, (tail, answer.text[-600:])
            return client.get(answer.headers["location"])

        assert "is now a fork of" in post("/advanced/fork", id_fork_of=parent).text
        assert admin_api.result("get_repo", repoid=name)["fork_of"] == parent
        assert "no longer a fork" in post("/advanced/fork", id_fork_of="").text
        assert admin_api.result("get_repo", repoid=name)["fork_of"] is None
        assert "Unlock" in post("/advanced/locking", action="lock").text
        assert admin_api.result("lock", repoid=name)["locked_by"] == user.username
        post("/advanced/locking", action="unlock")
        assert admin_api.result("lock", repoid=name)["locked"] is False
        assert "read again from disk" in post("/caches").text
        assert "Housekeeping of" in post("/maintenance/execute").text
        fields = post("/fields/create", new_field_key="ticket", new_field_label="Ticket")
        assert "<code>ticket</code>" in fields.text
        field_id = fields.text.split("/fields/", 1)[1].split("/delete", 1)[0]
        assert "Removed the extra field ticket" in post(f"/fields/{field_id}/delete").text
        assert "no remote URL" in client.get(f"{settings}/remote").text
        assert client.get(f"{settings}/caches").status_code == 404  # a button, not a page


def test_move_into_a_group_the_administrator_may_create_in(live_server, admin_api):
    name = create_repo(admin_api, "git", unique("mover-"))
    user = repo_admin(admin_api, name)
    drop_create_right(live_server, user.user_id)  # group.admin is then what a move needs
    mine, theirs = unique("mine-"), unique("theirs-")
    for group in (mine, theirs):
        admin_api.result("create_repo_group", group_name=group)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=mine,
                     userid=user.user_id, perm="group.admin")
    with signed_in(live_server, user) as client:
        form = client.get(f"/{name}/settings")
        assert f'<option value="{mine}">' in form.text and f'value="{theirs}"' not in form.text
        info = admin_api.result("get_repo", repoid=name)
        refused = client.post(f"/{name}/settings", data={
            "csrf_token": form_csrf(form), **the_form(info, group=theirs)})
        assert refused.status_code == 400 and "no right to create repositories" in refused.text
        moved = client.post(f"/{name}/settings", data={
            "csrf_token": form_csrf(form), **the_form(info, group=mine)})
        assert moved.status_code == 303 and moved.headers["location"] == f"/{mine}/{name}/settings"
    assert hosted_folder(live_server, f"{mine}/{name}").is_dir()
    assert admin_api.result("get_repo", repoid=f"{mine}/{name}")["repo_name"] == f"{mine}/{name}"
    # back to the top level: refused without the right to create repositories there
    moved_name = f"{mine}/{name}"
    with signed_in(live_server, user) as client:
        form = client.get(f"/{moved_name}/settings")
        assert '<option value="">(top level)</option>' in form.text
        info = admin_api.result("get_repo", repoid=moved_name)
        refused = client.post(f"/{moved_name}/settings", data={
            "csrf_token": form_csrf(form), **the_form(info, group="")})
        assert refused.status_code == 400 and "at the top level" in refused.text
    site_admin = SimpleNamespace(username=live_server.admin_username,
                                 password=live_server.admin_password)
    with signed_in(live_server, site_admin) as client:
        form = client.get(f"/{moved_name}/settings")
        info = admin_api.result("get_repo", repoid=moved_name)
        moved = client.post(f"/{moved_name}/settings", data={
            "csrf_token": form_csrf(form), **the_form(info, group="")})
        assert moved.status_code == 303 and moved.headers["location"] == f"/{name}/settings"
    assert admin_api.result("get_repo", repoid=name)["repo_name"] == name
    assert hosted_folder(live_server, name).is_dir()


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_strip_shows_what_goes_then_strips_it(live_server, admin_api, kind):
    name = create_repo(admin_api, kind, unique("strip-"))
    ids = push_commits(live_server, name, kind, {"a": "1\n"}, {"a": "2\n"}, {"a": "3\n"})
    user = repo_admin(admin_api, name)
    branch = "master" if kind == "git" else ""
    with signed_in(live_server, user) as client:
        preview = client.get(f"/{name}/settings/strip",
                             params={"revision": ids[1], "branch": branch})
        assert preview.status_code == 200
        assert "2 commits would be removed" in preview.text
        assert ids[1][:12] in preview.text and ids[2][:12] in preview.text
        assert ids[0][:12] not in preview.text
        fields = {"csrf_token": form_csrf(preview), "revision": ids[1], "branch": branch}
        # a count that is no longer true (the branch moved): back to the preview, nothing gone
        stale = client.post(f"/{name}/settings/strip_execute", data={**fields, "count": "1"})
        assert stale.status_code == 303 and "/settings/strip?" in stale.headers["location"]
        assert head(admin_api, name, kind) == ids[2]
        done = client.post(f"/{name}/settings/strip_execute", data={**fields, "count": "2"})
        assert done.status_code == 303
        assert "Stripped 2 commits" in client.get(done.headers["location"]).text
        assert "would be removed" not in client.get(
            f"/{name}/settings/strip", params={"revision": "nonexistent", "branch": branch}).text
    assert head(admin_api, name, kind) == ids[0]
    no_token = httpx.post(f"{live_server.url}/{name}/settings/strip_execute",
                          data={"revision": ids[0], "branch": branch, "count": "1"})
    assert no_token.status_code in (400, 403, 404)
    assert head(admin_api, name, kind) == ids[0]


def head(admin_api, name: str, kind: str) -> str:
    branches = admin_api.result("get_repo_refs", repoid=name)["branches"]
    return branches["master" if kind == "git" else "default"]


def test_a_group_grant_applied_to_children_shows_where_it_came_from(live_server, admin_api):
    """A user group granted read on a repository group, applied to children: the repository
    inside lists the row with the group it came from and when, its members get in and nobody
    else, and the API reports the same row."""
    group, team = unique("applied-"), unique("crew-")
    admin_api.result("create_repo_group", group_name=group)
    name = create_repo(admin_api, "git", f"{group}/{unique('inside-')}", private=True)
    member, outsider = make_user(admin_api), make_user(admin_api)
    admin_api.result("create_user_group", group_name=team)
    admin_api.result("add_user_to_user_group", usergroupid=team, userid=member.user_id)
    admin_api.result("grant_user_group_permission_to_repo_group", repogroupid=group,
                     usergroupid=team, perm="group.read", apply_to_children="all")

    site_admin = SimpleNamespace(username=live_server.admin_username,
                                 password=live_server.admin_password)
    with signed_in(live_server, site_admin) as client:
        page = client.get(f"/{name}/settings/permissions").text
    row = page.split(f'<td class="name">{team} <span class="meta">user group</span></td>', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert f"from group <a href=\"/{group}/_settings/permissions\">{group}</a>, applied on 20" in row
    assert "read" in row
    assert member.api.call("get_repo", repoid=name)["error"] is None
    assert outsider.api.call("get_repo", repoid=name)["error"] == f"repository `{name}` does not exist"
    api_rows = {m["name"]: m["permission"] for m in
                admin_api.result("get_repo", repoid=name)["members"] if m["type"] == "user_group"}
    assert api_rows == {team: "repository.read"}


def test_pull_now_and_mirroring_on_the_remote_page(live_server, admin_api, tmp_path):
    """"Pull now" queues a task and answers at once; the pull lands; the interval form keeps
    what it is given and refuses what it cannot use."""
    work, _ids = make_source_repository(tmp_path / "source", "git", {"a.txt": "a\n"})
    name = create_repo(admin_api, "git", unique("mirror-"), clone_uri=str(tmp_path / "source"))
    new = work.commit({"b.txt": "b\n"}, message="later on the remote")
    settings = f"/{name}/settings"
    admin = SimpleNamespace(username=live_server.admin_username,
                            password=live_server.admin_password)
    with signed_in(live_server, admin) as client:
        page = client.get(f"{settings}/remote")
        token = form_csrf(page)
        answer = client.post(f"{settings}/remote/pull", data={"csrf_token": token})
        assert answer.status_code == 303
        assert "is queued" in client.get(answer.headers["location"]).text
        deadline = time.monotonic() + TASK_GUARD_SECONDS
        while admin_api.result("get_repo", repoid=name)["last_changeset"]["raw_id"] != new:
            assert time.monotonic() < deadline, "the queued pull never landed"
            time.sleep(0.1)

        answer = client.post(f"{settings}/remote/mirror",
                             data={"csrf_token": token, "mirror_interval": "15"})
        assert answer.status_code == 303
        shown = client.get(answer.headers["location"]).text
        assert "pulls from its remote every 15 minutes" in shown and 'value="15"' in shown
        refused = client.post(f"{settings}/remote/mirror",
                              data={"csrf_token": token, "mirror_interval": "soon"})
        assert refused.status_code == 400 and "whole number of minutes" in refused.text
        assert 'value="15"' in client.get(f"{settings}/remote").text
