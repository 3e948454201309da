"""The review rules on the pages: the merge box names each reason a merge is refused (approval
pending when the repository asks for it, open TODOs) and the merge service refuses the same;
reopening a closed pull request; a comment edited from a stale page is refused; and the
repository's VCS settings page (``/<repo>/settings/vcs``), which only a super-admin changes."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx

from tests.factories import make_user
from tests.web.conftest import form_csrf, login
from tests.web.pull_request_page_site import pull_request_site

APPROVAL = "vcshub_pr_approval_required"


@contextlib.contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert login(client, user.username, user.password).status_code == 302
        yield client


def post(client: httpx.Client, url: str, **data) -> httpx.Response:
    """A form post with the session's CSRF token (read from the page the form is on: the pull
    request's, or the settings page)."""
    form_page = url if "/settings/" in url else url.split("/pull-request/", 1)[0] + \
        "/pull-request/" + url.split("/pull-request/", 1)[1].split("/", 1)[0]
    data["csrf_token"] = form_csrf(client.get(form_page))
    return client.post(url, data=data)


def refusals(html: str) -> list[str]:
    box = html.split('class="merge-box"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li class="merge-state cannot">([^<]+)</li>', box)


def test_merge_box_names_each_reason_and_the_merge_obeys(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "git", prefix="prrules-")
    admin_api.result("set_repo_settings", repoid=site.repo, settings={APPROVAL: True})
    with signed_in(live_server, site.bob) as bob:
        todo = post(bob, f"{site.url}/comment/create", text="fix the name",
                    comment_type="todo").headers["location"].rsplit("#comment-", 1)[1]
    with signed_in(live_server, site.walter) as walter:
        html = walter.get(site.url).text
        assert refusals(html) == ["Pull request reviewer approval is pending.",
                                  "Cannot merge, 1 TODO still not resolved."]
        assert f'action="{site.url}/merge"' not in html
        refused = post(walter, f"{site.url}/merge")
        assert refused.status_code == 409 and "approval is pending" in refused.text
        assert 'data-state="open"' in walter.get(site.url).text
    with signed_in(live_server, site.bob) as bob:
        post(bob, f"{site.url}/comment/create", text="done", resolves_comment_id=todo)
        post(bob, f"{site.url}/comment/create", text="ok", changeset_status="approved")
    with signed_in(live_server, site.walter) as walter:
        html = walter.get(site.url).text
        assert refusals(html) == [] and "can be automatically merged" in html
        assert post(walter, f"{site.url}/merge").status_code == 303
        assert 'data-state="merged"' in walter.get(site.url).text


def test_reopen_a_closed_pull_request(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "hg", prefix="prreopen-")
    with signed_in(live_server, site.alice) as alice:
        assert post(alice, f"{site.url}/reopen").status_code == 400  # open: nothing to reopen
        assert post(alice, f"{site.url}/close").status_code == 303
        assert f'action="{site.url}/reopen"' in alice.get(site.url).text
    with signed_in(live_server, site.carol) as carol:  # reads only
        assert f'action="{site.url}/reopen"' not in carol.get(site.url).text
        assert post(carol, f"{site.url}/reopen").status_code == 403
        assert 'data-state="closed"' in carol.get(site.url).text
    with signed_in(live_server, site.alice) as alice:
        assert post(alice, f"{site.url}/reopen").status_code == 303
        html = alice.get(site.url).text
    assert 'data-state="open"' in html and "Pull request reopened" in html
    listed = admin_api.result("get_pull_requests", repoid=site.repo)
    assert site.pr in [pr["pull_request_id"] for pr in listed]


def test_a_comment_edited_from_a_stale_page_is_refused(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "git", prefix="prstale-")
    with signed_in(live_server, site.bob) as bob:
        cid = post(bob, f"{site.url}/comment/create", text="first").headers[
            "location"].rsplit("#comment-", 1)[1]
        edit = f"{site.url}/comment/{cid}/edit"
        assert post(bob, edit, text="second", version="0").status_code == 303
        assert 'name="version" value="1"' in bob.get(site.url).text
        stale = post(bob, edit, text="third", version="0")
        assert stale.status_code == 409 and "changed meanwhile" in stale.text
        assert post(bob, edit, text="third", version="1").status_code == 303
    comment = admin_api.result("get_comment", comment_id=int(cid))
    assert (comment["comment_text"], comment["comment_last_version"]) == ("third", 2)


def test_the_vcs_settings_page(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "git", prefix="prvcs-")
    owner = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=site.repo, userid=owner.user_id,
                     perm="repository.admin")
    url = f"/{site.repo}/settings/vcs"
    with signed_in(live_server, site.carol) as carol:
        assert carol.get(url).status_code == 404
    with signed_in(live_server, owner) as repo_admin:
        html = repo_admin.get(url).text
        assert f'data-key="{APPROVAL}"' in html and "Only a super-admin may change these." in html
        assert post(repo_admin, url, **{APPROVAL: "on"}).status_code == 403
    assert admin_api.result("get_repo_settings", repoid=site.repo, key=APPROVAL) is False
    admin = type("Admin", (), {"username": live_server.admin_username,
                               "password": live_server.admin_password})
    with signed_in(live_server, admin) as root:
        assert post(root, url, **{APPROVAL: "on", "rhodecode_pr_merge_enabled": "on"}
                    ).status_code == 303
        assert re.search(rf'id="vcs-{APPROVAL}" name="{APPROVAL}" checked', root.get(url).text)
    settings = admin_api.result("get_repo_settings", repoid=site.repo)
    assert settings[APPROVAL] is True and settings["inherit_global_settings"] is False
    assert settings["rhodecode_use_outdated_comments"] is False  # left unticked in the form
