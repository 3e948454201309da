"""The pull request page over the wire: header, reviewers, commits and diff; inline and
general comments with votes through its forms; close and merge refused to those who may not
(403 or the merge box's reason, nothing changed) and done for those who may (the target branch
moves); private repositories answer 404 to others; no change without this session's CSRF."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder
from tests.factories.commits import commit_into
from tests.web.conftest import both_kinds, form_csrf, login
from tests.web.pull_request_page_site import MAIN, pull_request_site
from vcshub import vcs


@contextlib.contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert login(client, user.username, user.password).status_code == 302
        yield client


def post(client: httpx.Client, site, tail: str, csrf: str | None = "page", **data):
    if csrf == "page":
        csrf = form_csrf(client.get(site.url))
    if csrf is not None:
        data["csrf_token"] = csrf
    return client.post(f"{site.url}/{tail}", data=data)


def page(client: httpx.Client, site) -> str:
    response = client.get(site.url)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response.text


def status_of(html: str) -> str:
    return re.search(r'id="review-status">([^<]+)<', html)[1]


def diff_part(html: str) -> str:
    """The page's diff: from the changed files' count to the comments."""
    return html.split(" changed</h3>", 1)[1].split('id="comments-title"', 1)[0]


def head_of(live_server, site) -> str:
    """Where the target branch points, read from the hosted repository (the vcs layer)."""
    backend = vcs.open_repository(hosted_folder(live_server, site.repo), site.kind)
    return backend.get_commit(MAIN[site.kind]).raw_id


@pytest.fixture(scope="module")
def sites(live_server, admin_api):
    return {kind: pull_request_site(live_server, admin_api, kind) for kind in ("git", "hg")}


@both_kinds
def test_the_page_shows_header_reviewers_commits_and_diff(live_server, sites, kind):
    site = sites[kind]
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        html = page(anonymous, site)
    assert f"Make &lt;three&gt; loud <span class=\"meta\">#{site.pr}</span>" in html
    assert 'data-state="open"' in html and f'class="pr-author">{site.alice.username}<' in html
    assert "<strong>emphasis</strong>" in html and "<script>x</script>" not in html
    assert 'class="ref">feature</span>' in html and f'class="ref">{MAIN[kind]}</span>' in html
    assert f'data-reviewer="{site.bob.username}"' in html and "Not Reviewed" in html
    assert status_of(html) == "Under Review"
    assert "1 commit<" in html and "2 files changed" in html
    assert "THREE" in html and "brand new" in html
    assert "This pull request can be automatically merged." in html
    assert 'action="' + site.url + '/merge"' not in html  # anonymous: no merge button


@both_kinds
def test_inline_comment_and_vote_by_the_reviewer(live_server, sites, kind):
    site, text = sites[kind], unique("inline-")
    with signed_in(live_server, site.bob) as bob:
        created = post(bob, site, "comment/create", text=text, f_path="story.txt", line="n3")
        assert created.status_code == 303, created.text[:300]
        cid = created.headers["location"].rsplit("#comment-", 1)[1]
        voted = post(bob, site, "comment/create", text="looks good",
                     changeset_status="approved")
        assert voted.status_code == 303
    with signed_in(live_server, site.alice) as alice:  # a new visit
        html = page(alice, site)
    row = html.split('-n3"', 1)[1]  # story.txt's new line 3: new.txt has one line
    following = row.split("</tr>", 1)[1].lstrip()  # the row right under that line
    assert following.startswith('<tr class="inline-comments">')
    inline = following.split("</tr>", 1)[0]
    assert f'id="comment-{cid}"' in inline and text in inline
    assert status_of(html) == "Approved"
    assert re.search(rf'data-reviewer="{site.bob.username}"><strong>[^<]+</strong> '
                     r'<span class="badge status approved">', html)


def test_comment_edit_and_delete_only_by_the_author(live_server, sites):
    site = sites["git"]
    with signed_in(live_server, site.alice) as alice:
        cid = post(alice, site, "comment/create", text="first words").headers[
            "location"].rsplit("#comment-", 1)[1]
        assert post(alice, site, f"comment/{cid}/edit", text="second words").status_code == 303
    with signed_in(live_server, site.carol) as carol:
        refused = post(carol, site, f"comment/{cid}/delete")
        assert refused.status_code == 403
        assert "second words" in page(carol, site)
    with signed_in(live_server, site.alice) as alice:
        assert post(alice, site, f"comment/{cid}/delete").status_code == 303
        assert f'id="comment-{cid}"' not in page(alice, site)


def test_missing_or_wrong_csrf_changes_nothing(live_server, sites):
    site = sites["git"]
    with signed_in(live_server, site.alice) as alice:
        before = page(alice, site)
        for csrf in (None, "wrong"):
            assert post(alice, site, "comment/create", csrf=csrf, text="nope").status_code == 403
            assert post(alice, site, "close", csrf=csrf).status_code == 403
        after = page(alice, site)
    assert re.search(r'id="comments-title">(\d+)', before)[1] == \
        re.search(r'id="comments-title">(\d+)', after)[1]
    assert 'data-state="open"' in after


def test_merge_box_and_merge(live_server, sites):
    for site in sites.values():
        with signed_in(live_server, site.carol) as carol:
            html = page(carol, site)
            assert "merging needs write permission" in html
            assert f'action="{site.url}/merge"' not in html
            before = head_of(live_server, site)
            assert post(carol, site, "merge").status_code == 404  # the service: not for him
            assert head_of(live_server, site) == before
        with signed_in(live_server, site.walter) as walter:
            html = page(walter, site)
            assert f'action="{site.url}/merge"' in html
            assert post(walter, site, "merge").status_code == 303
            html = page(walter, site)
        assert 'data-state="merged"' in html and "This pull request was merged." in html
        merged = head_of(live_server, site)
        assert merged != before and f"{merged[:12]}</code>" in html


def test_close_refused_then_done(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "git", prefix="prclose-")
    with signed_in(live_server, site.carol) as carol:
        assert 'action="' + site.url + '/close"' not in page(carol, site)
        assert post(carol, site, "close").status_code == 403
        assert 'data-state="open"' in page(carol, site)
    with signed_in(live_server, site.alice) as alice:
        assert post(alice, site, "close").status_code == 303
        html = page(alice, site)
    assert 'data-state="closed"' in html and "This pull request is closed." in html


def test_private_repository_answers_404_to_others(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "git", private=True, prefix="prpriv-")
    with signed_in(live_server, site.alice) as alice:
        assert alice.get(site.url).status_code == 200
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        assert anonymous.get(site.url).status_code == 404
    outsider = make_user(admin_api)
    with signed_in(live_server, outsider) as other:
        assert other.get(site.url).status_code == 404
        assert other.get(f"/{site.repo}/pull-request/999999").status_code == 404


@both_kinds
def test_update_commits_keeps_a_version_and_marks_old_comments_outdated(live_server, admin_api,
                                                                         kind):
    site = pull_request_site(live_server, admin_api, kind, prefix="prupdate-")
    with signed_in(live_server, site.bob) as bob:
        cid = post(bob, site, "comment/create", text="old remark", f_path="story.txt",
                   line="n3").headers["location"].rsplit("#comment-", 1)[1]
        assert post(bob, site, "update").status_code == 403  # a reviewer may not update
    commit_into(hosted_folder(live_server, site.repo), kind, {"fix.txt": "the fix\n"},
                branch="feature")
    with signed_in(live_server, site.alice) as alice:
        assert "2 commits<" not in page(alice, site)  # nothing moves before the update
        updated = post(alice, site, "update")
        assert updated.status_code == 303
        html = page(alice, site)
    assert "2 commits<" in html and "fix.txt" in html
    assert "<tr><th>Versions</th><td>2 " in html
    versions = html.split('id="versions-title"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'data-version="1"><td><a href="[^"]+\?version=1">v1</a>', versions)
    assert 'Showing v2 (current).' in versions
    since = re.search(r'class="since" href="([^"]+)"', versions)[1].replace("&amp;", "&")
    assert since.endswith("?from_version=1&version=2")
    with signed_in(live_server, site.alice) as alice:
        changes = alice.get(since)
        assert changes.status_code == 200 and "fix.txt" in changes.text
        assert "1 file changed" in changes.text
        assert "story.txt" not in diff_part(changes.text)  # the fix only
        assert "Showing the changes from v1 to v2." in changes.text
        first = alice.get(f"{site.url}?version=1")
        assert first.status_code == 200 and "story.txt" in diff_part(first.text)
        assert "fix.txt" not in diff_part(first.text)  # version 1 had no fix yet
        assert "data-path=" not in first.text  # an old version's lines take no new comment
        # on its own version, the old comment is under its line again
        assert "old remark" in first.text.split('class="comments"', 1)[0]
        for bad in ("3", "0", "x"):
            assert alice.get(f"{site.url}?version={bad}").status_code == 404
    placed = html.split(f'id="comment-{cid}"', 1)
    assert len(placed) == 2 and "old remark" in placed[1]
    note = html.split('class="comments"', 1)[1].split(f'id="comment-{cid}"', 1)[0]
    assert 'class="badge outdated">outdated' in note.rsplit("comment-place", 1)[1]
    # not under today's line any more: only in the list
    inline = html.split('class="comments"', 1)[0]
    assert "old remark" not in inline


def test_a_vote_counts_only_from_who_may_vote(live_server, admin_api):
    site = pull_request_site(live_server, admin_api, "git", prefix="prvote-")
    with signed_in(live_server, site.carol) as carol:  # reads, neither reviewer nor writer
        assert post(carol, site, "comment/create", text="yes!",
                    changeset_status="approved").status_code == 303
        html = page(carol, site)
    assert status_of(html) == "Under Review" and "yes!" in html
    with signed_in(live_server, site.bob) as bob:
        assert post(bob, site, "comment/create", text="no",
                    changeset_status="rejected").status_code == 303
        assert status_of(page(bob, site)) == "Rejected"


def test_the_line_comment_form_without_script(live_server, sites):
    site = sites["git"]
    with signed_in(live_server, site.bob) as bob:
        form = bob.get(f"{site.url}/comment/create", params={"f_path": "story.txt"})
        assert form.status_code == 200 and "<code>story.txt</code>" in form.text
        assert f'action="{site.url}/comment/create"' in form.text
        created = bob.post(f"{site.url}/comment/create", data={
            "csrf_token": form_csrf(form), "f_path": "story.txt", "line_side": "new",
            "line_number": "2", "text": "typed line"})
        assert created.status_code == 303
        html = page(bob, site)
    cid = created.headers["location"].rsplit("#comment-", 1)[1]
    inline = html.split('-n2"', 1)[1].split('class="inline-comments"', 1)[1].split("</tr>", 1)[0]
    assert f'id="comment-{cid}"' in inline and "typed line" in inline
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        answer = anonymous.get(f"{site.url}/comment/create")
        assert answer.status_code in (302, 303) and "/_admin/login" in answer.headers["location"]
