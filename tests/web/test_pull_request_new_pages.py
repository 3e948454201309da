"""Opening a pull request through ``/<repo>/pull-request/new`` and ``.../create`` on the live
server: the refs offered, the preview, the pull request made (checked through the API) from a
branch, an hg branch and a fork; and every refusal — empty change, anonymous, no read, CSRF,
bad input — with nothing made."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.factories import MadeUser, make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import WorkingCopy, commit_into
from tests.web.conftest import both_kinds, form_csrf, login


@dataclass
class Site:
    repo: str
    kind: str
    main: str  # the default branch
    feature: list[str]  # the commits of branch ``feature``


def _site(live_server, admin_api, kind: str, **fields) -> Site:
    repo = create_repo(admin_api, kind, unique(f"prnew-{kind}-"), **fields)
    push_commits(live_server, repo, kind, {"base.txt": "base\n"})
    feature = commit_into(hosted_folder(live_server, repo), kind,
                          {"feature.txt": "feature line\n"}, branch="feature")
    return Site(repo, kind, "master" if kind == "git" else "default", feature)


@pytest.fixture(scope="module")
def sites(live_server, admin_api) -> dict[str, Site]:
    return {kind: _site(live_server, admin_api, kind) for kind in ("git", "hg")}


@pytest.fixture(scope="module")
def alice(admin_api) -> MadeUser:
    return make_user(admin_api)


@pytest.fixture(scope="module")
def bob(admin_api) -> MadeUser:
    return make_user(admin_api)


@contextlib.contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert login(client, user.username, user.password).status_code == 302
        yield client


def opened(admin_api, repo: str) -> list[int]:
    return sorted(pr["pull_request_id"]
                  for pr in admin_api.result("get_pull_requests", repoid=repo, status="new"))


def fields(client: httpx.Client, site: Site, **changes) -> dict:
    values = {"csrf_token": form_csrf(client.get(f"/{site.repo}/pull-request/new")),
              "source_repo": site.repo, "source_ref": "branch:feature",
              "target_repo": site.repo, "target_ref": f"branch:{site.main}",
              "title": "Add the feature", "description": "Why: **because**",
              "reviewers": "", "reason": "you wrote it"}
    return {**values, **changes}


@both_kinds
def test_form_lists_refs_and_previews(live_server, sites, alice, kind):
    site = sites[kind]
    with signed_in(live_server, alice) as client:
        form = client.get(f"/{site.repo}/pull-request/new")
        assert form.status_code == 200
        assert '<option value="branch:feature">feature</option>' in form.text
        assert f'<option value="branch:{site.main}" selected>{site.main}</option>' in form.text
        assert 'action="/%s/pull-request/create"' % site.repo in form.text
        assert "Press Preview" in form.text and "feature.txt" not in form.text
        query = {"source_ref": "branch:feature", "target_ref": f"branch:{site.main}",
                 "preview": "1"}
        shown = client.get(f"/{site.repo}/pull-request/new", params=query)
        assert shown.status_code == 200
        assert f"/{site.repo}/changeset/{site.feature[0]}" in shown.text
        assert "1 commit<" in shown.text and "feature.txt" in shown.text
        part = client.get(f"/{site.repo}/pull-request/new", params={**query, "part": "preview"})
        assert "feature.txt" in part.text and "<html" not in part.text
        posted = client.post(f"/{site.repo}/pull-request/new", data=fields(
            client, site, title="Kept", description="**bold** <script>alert(1)</script>"))
        assert posted.status_code == 200 and 'value="Kept"' in posted.text
        assert "<strong>bold</strong>" in posted.text and "<script>alert" not in posted.text
        assert "feature.txt" in posted.text
        assert client.post(f"/{site.repo}/pull-request/new", data={}).status_code == 403
        listing = client.get(f"/{site.repo}/pull-request")
        assert f'href="/{site.repo}/pull-request/new">New pull request</a>' in listing.text
    anonymous_list = httpx.get(f"{live_server.url}/{site.repo}/pull-request")
    assert "New pull request" not in anonymous_list.text


@both_kinds
def test_create_from_a_branch_with_reviewers(live_server, admin_api, sites, alice, bob, kind):
    site = sites[kind]
    with signed_in(live_server, alice) as client:
        sent = client.post(f"/{site.repo}/pull-request/create",
                           data=fields(client, site, reviewers=f"{bob.username}, {bob.username}"))
    assert sent.status_code == 303, sent.text
    number = int(sent.headers["location"].rsplit("/", 1)[1])
    assert sent.headers["location"] == f"/{site.repo}/pull-request/{number}"
    pr = admin_api.result("get_pull_request", repoid=site.repo, pullrequestid=number)
    assert pr["title"] == "Add the feature" and pr["description"] == "Why: **because**"
    assert pr["author"]["username"] == alice.username
    assert pr["source"]["reference"] == {"type": "branch", "name": "feature",
                                         "commit_id": site.feature[0]}
    assert [r["user"]["username"] for r in pr["reviewers"]] == [bob.username]
    assert pr["reviewers"][0]["reasons"] == ["you wrote it"]


def test_create_from_a_fork_into_its_parent(live_server, admin_api, sites, alice):
    parent = sites["git"]
    fork = unique("prnew-fork-")
    admin_api.result("fork_repo", repoid=parent.repo, fork_name=fork)
    ids = commit_into(hosted_folder(live_server, fork), "git", {"fork.txt": "from the fork\n"},
                      branch="forked")
    with signed_in(live_server, alice) as client:
        form = client.get(f"/{fork}/pull-request/new")
        assert f'<option selected>{parent.repo}</option>' in form.text  # the default target
        sent = client.post(f"/{fork}/pull-request/create", data={
            "csrf_token": form_csrf(form), "source_repo": fork, "source_ref": "branch:forked",
            "target_repo": parent.repo, "target_ref": "branch:master", "title": "From a fork"})
    assert sent.status_code == 303, sent.text
    number = int(sent.headers["location"].rsplit("/", 1)[1])
    assert sent.headers["location"] == f"/{parent.repo}/pull-request/{number}"
    pr = admin_api.result("get_pull_request", repoid=parent.repo, pullrequestid=number)
    assert pr["source"]["repository"] == fork and pr["commit_ids"] == ids


def test_a_private_fork_is_neither_offered_nor_taken(live_server, admin_api, sites, alice):
    parent = sites["git"]
    hidden = unique("prnew-private-")
    admin_api.result("fork_repo", repoid=parent.repo, fork_name=hidden, private=True)
    with signed_in(live_server, alice) as client:
        form = client.get(f"/{parent.repo}/pull-request/new")
        assert form.status_code == 200 and hidden not in form.text
        assert client.get(f"/{parent.repo}/pull-request/new",
                          params={"source_repo": hidden}).status_code == 404
        sent = client.post(f"/{parent.repo}/pull-request/create",
                           data=fields(client, parent, source_repo=hidden))
        assert sent.status_code == 404
    assert admin_api.result("get_pull_requests", repoid=hidden, status="new") == []


@both_kinds
def test_refusals_make_nothing(live_server, admin_api, sites, alice, kind):
    site = sites[kind]
    before = opened(admin_api, site.repo)
    url = f"/{site.repo}/pull-request/create"
    cases = {
        "There are no commits to review": {"source_ref": f"branch:{site.main}"},
        "user `nobody-here` does not exist": {"reviewers": "nobody-here"},
        "`branch:no-such` is not a branch": {"source_ref": "branch:no-such"},
        "A pull request needs a title": {"title": "  "},
    }
    with signed_in(live_server, alice) as client:
        for message, change in cases.items():
            refused = client.post(url, data=fields(client, site, **change))
            assert refused.status_code == 400, (change, refused.status_code)
            assert message in refused.text, (change, refused.text[-800:])
        for token in ({"csrf_token": "wrong"}, {"csrf_token": ""}):
            assert client.post(url, data={**fields(client, site), **token}).status_code == 403
    assert opened(admin_api, site.repo) == before


def test_anonymous_is_sent_to_sign_in(live_server, sites):
    path = f"/{sites['git'].repo}/pull-request/new"
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        answer = anonymous.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/_admin/login?came_from=")


def test_no_read_on_the_source_is_404(live_server, admin_api, alice):
    private = _site(live_server, admin_api, "git", private=True)
    with signed_in(live_server, alice) as client:
        missing = client.get(f"/{unique('nothing-')}/pull-request/new")
        hidden = client.get(f"/{private.repo}/pull-request/new")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.text.replace(private.repo, "X").count("Not found") \
            == missing.text.count("Not found")
        csrf = form_csrf(client.get("/_admin/my_account"))
        sent = client.post(f"/{private.repo}/pull-request/create", data={
            "csrf_token": csrf, "source_ref": "branch:feature", "target_ref": "branch:master",
            "title": "sneaky"})
        assert sent.status_code == 404
    assert opened(admin_api, private.repo) == []


def _mark(live_server, site: Site) -> str:
    """A git tag ``v1`` on ``feature``, or an hg bookmark ``mark`` on a new commit over it;
    the commit it names."""
    with tempfile.TemporaryDirectory(prefix="vcshub-prnew-") as tmp:
        work = WorkingCopy.clone(hosted_folder(live_server, site.repo), Path(tmp) / "w", site.kind)
        if site.kind == "git":
            work.git("tag", "v1", "origin/feature")
            work.git("push", "--quiet", "origin", "v1")
            return site.feature[0]
        work.hg("update", "--quiet", "feature")
        marked = work.commit({"marked.txt": "marked\n"})
        work.hg("bookmark", "mark")
        work.hg("push", "--quiet", "-B", "mark")
        return marked


@both_kinds
def test_create_from_a_tag_or_bookmark(live_server, admin_api, alice, kind):
    site = _site(live_server, admin_api, kind)
    marked = _mark(live_server, site)
    ref = "tag:v1" if kind == "git" else "bookmark:mark"
    with signed_in(live_server, alice) as client:
        form = client.get(f"/{site.repo}/pull-request/new")
        assert f'<option value="{ref}">{ref.split(":")[1]}</option>' in form.text
        sent = client.post(f"/{site.repo}/pull-request/create",
                           data=fields(client, site, source_ref=ref))
    assert sent.status_code == 303, sent.text
    number = int(sent.headers["location"].rsplit("/", 1)[1])
    pr = admin_api.result("get_pull_request", repoid=site.repo, pullrequestid=number)
    assert pr["source"]["reference"] == {"type": ref.split(":")[0], "name": ref.split(":")[1],
                                         "commit_id": marked}


def test_user_suggestions(live_server, alice, bob):
    with signed_in(live_server, alice) as client:
        found = client.get("/_users", params={"query": bob.username.upper()})
        assert found.status_code == 200
        assert {"value": bob.username, "username": bob.username} in found.json()["suggestions"]
        names = [s["username"] for s in client.get("/_users", params={"query": "zz-no"}).json()[
            "suggestions"]]
        assert names == []
        everyone = [s["username"] for s in client.get("/_users").json()["suggestions"]]
        assert "default" not in everyone and everyone == sorted(everyone)
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        assert anonymous.get("/_users", params={"query": "u"}).status_code == 303


def test_an_empty_repository_says_so(live_server, admin_api, alice):
    empty = create_repo(admin_api, "git", unique("prnew-empty-"))
    with signed_in(live_server, alice) as client:
        form = client.get(f"/{empty}/pull-request/new")
        assert form.status_code == 400 and "has no branches yet" in form.text
        csrf = form_csrf(client.get("/_admin/my_account"))
        sent = client.post(f"/{empty}/pull-request/create", data={"csrf_token": csrf,
                                                                   "title": "nothing"})
        assert sent.status_code == 400 and "has no branches yet" in sent.text
