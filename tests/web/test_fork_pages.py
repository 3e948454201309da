"""The fork form and the forks list over the wire: sign-in and rights, CSRF, errors beside
their field with nothing created, and the fork made through the form."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

from tests.factories import make_user, unique
from tests.factories.api import create_repo, drop_create_right, push_commits
from tests.web.conftest import both_kinds, form_csrf, login


@contextlib.contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert login(client, user.username, user.password).status_code == 302
        yield client


def exists(admin_api, name: str) -> bool:
    return admin_api.call("get_repo", repoid=name).get("error") is None


@both_kinds
def test_fork_through_the_form(live_server, admin_api, kind):
    source = create_repo(admin_api, kind, description="the source")
    tip, = push_commits(live_server, source, kind, {"README.md": "# forked\n"})
    user = make_user(admin_api)
    fork_name = unique("fork-")
    with signed_in(live_server, user) as client:
        form = client.get(f"/{source}/fork")
        assert form.status_code == 200 and 'name="repo_name"' in form.text
        assert f'value="{source}-fork"' in form.text  # a suggested name
        made = client.post(f"/{source}/fork", data={
            "csrf_token": form_csrf(form), "repo_name": fork_name, "repo_group": "",
            "description": "my fork", "copy_permissions": "on"})
        assert made.status_code == 303 and made.headers["location"] == f"/{fork_name}"
        summary = client.get(f"/{fork_name}")
        assert f"Forked {source} as {fork_name}." in summary.text  # the flash, once
        assert f'Forked from <a href="/{source}">{source}</a>' in summary.text
        assert tip in summary.text
        assert f"Forked {source}" not in client.get(f"/{fork_name}").text
        forks = client.get(f"/{source}/forks").text
        assert f'href="/{fork_name}"' in forks and "my fork" in forks
    info = admin_api.result("get_repo", repoid=fork_name)
    assert info["fork_of"] == source and info["owner"] == user.username


def test_an_invalid_or_taken_name_is_shown_beside_the_field(live_server, admin_api):
    source = create_repo(admin_api, "git")
    push_commits(live_server, source, "git", {"a": "1\n"})
    taken = create_repo(admin_api, "git")
    user = make_user(admin_api)
    with signed_in(live_server, user) as client:
        token = form_csrf(client.get(f"/{source}/fork"))
        for name, message in (("", "Required"), ("bad name!", "fork_name"),
                              (taken, "already exists"), ("_admin", "")):
            answer = client.post(f"/{source}/fork", data={
                "csrf_token": token, "repo_name": name, "repo_group": ""})
            assert answer.status_code == 400, name
            beside = answer.text.split('id="fork-name-error"', 1)
            assert len(beside) == 2, (name, answer.text[-1500:])
            if message and message != "fork_name":
                assert message in beside[1].split("</span>", 1)[0], name
            assert f'value="{name}"' in answer.text  # what was typed stays
        assert not exists(admin_api, "bad name!")
        groups = client.post(f"/{source}/fork", data={
            "csrf_token": token, "repo_name": unique("f-"), "repo_group": "no-such-group"})
        assert groups.status_code == 200 and 'id="fork-group-error"' in groups.text


def test_the_form_refuses_a_post_without_the_csrf_token(live_server, admin_api):
    source = create_repo(admin_api, "git")
    push_commits(live_server, source, "git", {"a": "1\n"})
    user = make_user(admin_api)
    name = unique("csrf-fork-")
    with signed_in(live_server, user) as client:
        for token in (None, "forged"):
            data = {"repo_name": name, "repo_group": ""}
            if token:
                data["csrf_token"] = token
            refused = client.post(f"/{source}/fork", data=data)
            assert refused.status_code == 403
            assert refused.headers["content-type"].startswith("text/html")
            assert "nothing was changed" in refused.text
    assert not exists(admin_api, name)


def test_who_may_fork(live_server, admin_api):
    source = create_repo(admin_api, "git")
    push_commits(live_server, source, "git", {"a": "1\n"})
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        asked = anonymous.get(f"/{source}/fork")
        assert asked.status_code == 303
        assert asked.headers["location"] == f"/_admin/login?came_from=%2F{source}%2Ffork"
        assert anonymous.get(f"/{source}/forks").status_code == 200
    no_fork = make_user(admin_api)
    drop_create_right(live_server, no_fork.user_id, fork=False)
    with signed_in(live_server, no_fork) as client:
        assert client.get(f"/{source}/fork").status_code == 403
    group_only = make_user(admin_api)
    drop_create_right(live_server, group_only.user_id, fork=True)
    group = unique("fork-home-")
    admin_api.result("create_repo_group", group_name=group)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=group,
                     userid=group_only.user_id, perm="group.admin")
    with signed_in(live_server, group_only) as client:
        form = client.get(f"/{source}/fork")
        assert f'<option value="{group}" selected>' in form.text
        assert "(top level)" not in form.text
        made = client.post(f"/{source}/fork/create", data={  # RhodeCode 4's POST URL
            "csrf_token": form_csrf(form), "repo_name": "mine", "repo_group": group})
        assert made.status_code == 303 and made.headers["location"] == f"/{group}/mine"
        # the top level is not his: refused beside the group, nothing made
        top = unique("top-")
        refused = client.post(f"/{source}/fork", data={
            "csrf_token": form_csrf(form), "repo_name": top, "repo_group": ""})
        assert 'id="fork-group-error"' in refused.text
    assert not exists(admin_api, top)


def test_private_forks_are_listed_to_their_readers_only(live_server, admin_api):
    source = create_repo(admin_api, "git")
    push_commits(live_server, source, "git", {"a": "1\n"})
    open_fork, closed_fork = unique("open-fork-"), unique("closed-fork-")
    admin_api.result("fork_repo", repoid=source, fork_name=open_fork)
    admin_api.result("fork_repo", repoid=source, fork_name=closed_fork, private=True)
    outsider = make_user(admin_api)
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        for auth in (None, (outsider.username, outsider.password)):
            shown = http.get(f"/{source}/forks", auth=auth).text
            assert f'href="/{open_fork}"' in shown and closed_fork not in shown
        admin = http.get(f"/{source}/forks",
                         auth=(live_server.admin_username, live_server.admin_password)).text
        assert f'href="/{closed_fork}"' in admin
