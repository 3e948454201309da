"""Commit comments through the changeset page's forms, over the wire: a general comment and an
inline one (shown under its line in both views), a TODO and its resolution, edit and delete by
the author and refused to another reader, Markdown sanitised, and no change without a signed-in
user, this session's CSRF token or some text."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.diff_repos import make_diff_repo
from tests.web.conftest import both_kinds, form_csrf, login
from tests.web.test_diff_pages import text_of


@pytest.fixture(scope="module")
def repos(live_server, admin_api):
    return {kind: make_diff_repo(live_server, admin_api, kind) for kind in ("git", "hg")}


@pytest.fixture(scope="module")
def people(admin_api):
    """Two readers of the (public) repositories: an author and someone else."""
    return make_user(admin_api), make_user(admin_api)


@contextlib.contextmanager
def signed_in(live_server, user) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert login(client, user.username, user.password).status_code == 302
        yield client


def page_of(repo, view: str = "") -> str:
    return f"/{repo.name}/changeset/{repo.change}" + (f"?diffmode={view}" if view else "")


def post(client: httpx.Client, repo, tail: str, csrf: str | None = "page",
         **data) -> httpx.Response:
    """POST to ``<changeset>/comment/<tail>`` with the CSRF token of the page (or ``csrf``)."""
    if csrf == "page":
        csrf = form_csrf(client.get(page_of(repo)))
    if csrf is not None:
        data["csrf_token"] = csrf
    return client.post(f"/{repo.name}/changeset/{repo.change}/comment/{tail}", data=data)


def comment_id(response: httpx.Response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:300])
    return response.headers["location"].rsplit("#comment-", 1)[1]


def count(html: str) -> int:
    return int(re.search(r'id="comments-title">(\d+) comment', html)[1])


def article(html: str, cid: str) -> str:
    """The comment's own article (not its copy in the page's list)."""
    return html.split(f'id="comment-{cid}"', 1)[1].split("</article>", 1)[0]


@both_kinds
def test_a_general_comment_is_shown_and_survives_a_reload(live_server, repos, people, kind):
    repo, text = repos[kind], unique("general-")
    with signed_in(live_server, people[0]) as client:
        page = client.get(page_of(repo)).text
        assert 'class="comment-form"' in page and 'name="changeset_status"' in page
        created = post(client, repo, "create", text=f"**{text}**", comment_type="note",
                       changeset_status="under_review")
        cid = comment_id(created)
        assert created.headers["location"] == f"{page_of(repo)}#comment-{cid}"
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:  # a new visit
        html = anonymous.get(page_of(repo)).text
    shown = article(html, cid)
    assert f"<strong>{text}</strong>" in shown and people[0].username in shown
    assert "Under Review" in shown and "Review status" in text_of(html)


def test_an_inline_comment_sits_under_its_line_in_both_views(live_server, repos, people):
    repo, text = repos["git"], unique("inline-")
    with signed_in(live_server, people[0]) as client:
        cid = comment_id(post(client, repo, "create", text=text, f_path="app.py", line="o3",
                              diffmode="sideside"))
        for view in ("", "sideside"):
            html = client.get(page_of(repo, view)).text
            # the first row after old line 3 (and its pair) is the comment's
            after = html.split('id="file-1-o3"', 1)[1].split("</tr>", 1)[1]
            next_row = after.split("</tr>", 1)[0]
            assert 'class="inline-comments"' in next_row and f'id="comment-{cid}"' in next_row
            assert text in next_row
            # the page's list says where it is, without a second copy of its buttons
            listed = html.split('class="comments"', 1)[1]
            assert "on app.py, old line 3" in text_of(listed)
            assert f'id="comment-{cid}"' not in listed


def test_posting_from_side_by_side_returns_to_it(live_server, repos, people):
    repo = repos["git"]
    with signed_in(live_server, people[0]) as client:
        created = post(client, repo, "create", text="x", f_path="app.py", line="n4",
                       diffmode="sideside")
        assert created.headers["location"].startswith(page_of(repo, "sideside") + "#comment-")


def test_the_form_page_without_script(live_server, repos, people):
    repo, text = repos["git"], unique("noscript-")
    with signed_in(live_server, people[0]) as client:
        page = client.get(page_of(repo)).text
        link = re.search(r'class="file-comment" href="([^"]+)"', page)[1].replace("&amp;", "&")
        form = client.get(link)
        assert form.status_code == 200 and 'name="line_number"' in form.text
        cid = comment_id(post(client, repo, "create", text=text, f_path="app.py",
                              line_side="new", line_number="5"))
        html = client.get(page_of(repo)).text
        assert f'id="comment-{cid}"' in html.split('id="file-1-n5"', 1)[1].split("</tbody>", 1)[0]


def test_edit_and_delete_by_the_author_only(live_server, repos, people):
    repo = repos["git"]
    author, other = people
    with signed_in(live_server, author) as client:
        cid = comment_id(post(client, repo, "create", text="original words"))
        assert f'action="/{repo.name}/changeset/{repo.change}/comment/{cid}/edit"' in \
            client.get(page_of(repo)).text
    with signed_in(live_server, other) as client:
        html = client.get(page_of(repo)).text
        assert f"/comment/{cid}/edit" not in html and f"/comment/{cid}/delete" not in html
        for tail, data in ((f"{cid}/edit", {"text": "hijacked"}), (f"{cid}/delete", {})):
            refused = post(client, repo, tail, **data)
            assert refused.status_code == 403 and "Forbidden" in refused.text
            assert "<main" in refused.text  # a page in the layout, not a bare text
        assert "original words" in article(client.get(page_of(repo)).text, cid)
    with signed_in(live_server, author) as client:
        edited = post(client, repo, f"{cid}/edit", text="better *words*")
        assert edited.status_code == 303 and edited.headers["location"].endswith(f"#comment-{cid}")
        html = client.get(page_of(repo)).text
        assert "better <em>words</em>" in article(html, cid) and "Comment saved." in html
        before = count(html)
        assert post(client, repo, f"{cid}/delete").status_code == 303
        html = client.get(page_of(repo)).text
        assert f'id="comment-{cid}"' not in html and count(html) == before - 1
        # gone: a second delete is the missing page's 404
        assert post(client, repo, f"{cid}/delete").status_code == 404


def test_a_comment_is_changed_only_from_its_own_page(live_server, repos, people):
    repo = repos["git"]
    with signed_in(live_server, people[0]) as client:
        cid = comment_id(post(client, repo, "create", text="stays put"))
        other = repos["hg"]
        moved = post(client, other, f"{cid}/edit", text="elsewhere")
        assert moved.status_code == 404
        assert "stays put" in article(client.get(page_of(repo)).text, cid)


def test_a_todo_is_resolved(live_server, repos, people):
    repo = repos["git"]
    with signed_in(live_server, people[0]) as client:
        todo = comment_id(post(client, repo, "create", text="please rename", comment_type="todo",
                               f_path="app.py", line="n3"))
        shown = article(client.get(page_of(repo)).text, todo)
        assert "TODO" in shown and "Resolve TODO" in shown
    with signed_in(live_server, people[1]) as client:  # any reader may resolve
        fix = comment_id(post(client, repo, "create", text="renamed", resolves_comment_id=todo,
                              f_path="app.py", line="n3"))
        html = client.get(page_of(repo)).text
    shown = article(html, todo)
    assert "Resolve TODO" not in shown and f'href="#comment-{fix}">resolved' in shown
    assert f'href="#comment-{todo}">#{todo}</a>' in article(html, fix)


def test_markdown_is_sanitised(live_server, repos, people):
    repo = repos["git"]
    with signed_in(live_server, people[0]) as client:
        cid = comment_id(post(client, repo, "create",
                              text='hi <script>alert("x")</script> <img src=x onerror=alert(1)>'))
        shown = article(client.get(page_of(repo)).text, cid)
        rendered = shown.split('class="comment-text">', 1)[1].split("</div>", 1)[0]
        assert rendered.strip() == '<p>hi  <img src="x"></p>'
        # the edit box holds the text as written, escaped
        assert "&lt;script&gt;" in shown and "<script" not in shown
        preview = post(client, repo, "preview", text="**b** <script>bad()</script>")
        assert preview.status_code == 200 and "<strong>b</strong>" in preview.text
        assert "<script" not in preview.text


def test_anonymous_sees_comments_and_no_form(live_server, repos):
    repo = repos["git"]
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        html = anonymous.get(page_of(repo)).text
        assert "comment-form" not in html and "line-comment-form" not in html
        assert "file-comment" not in html and "/comment/create" not in html
        assert "Sign in</a> to comment" in html
        before = count(html)
        # a form posted with the anonymous session's token still changes nothing
        csrf = form_csrf(anonymous.get("/_admin/login"))
        answer = post(anonymous, repo, "create", csrf=csrf, text="anonymous words")
        assert answer.status_code == 303 and "/_admin/login" in answer.headers["location"]
        assert anonymous.get(f"{page_of(repo)}/comment/create").status_code == 303
        assert count(anonymous.get(page_of(repo)).text) == before


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_a_form_without_this_sessions_token_changes_nothing(live_server, repos, people, csrf):
    repo = repos["git"]
    with signed_in(live_server, people[0]) as client:
        cid = comment_id(post(client, repo, "create", text="kept words"))
        before = count(client.get(page_of(repo)).text)
        for tail, data in (("create", {"text": "new"}), (f"{cid}/edit", {"text": "changed"}),
                           (f"{cid}/delete", {})):
            refused = post(client, repo, tail, csrf=csrf, **data)
            assert refused.status_code == 403 and "expired" in refused.text
        html = client.get(page_of(repo)).text
        assert count(html) == before and "kept words" in article(html, cid)


def test_bad_input_is_a_400_with_nothing_saved(live_server, repos, people):
    repo = repos["git"]
    with signed_in(live_server, people[0]) as client:
        before = count(client.get(page_of(repo)).text)
        for data, sentence in (
            ({"text": "  \n"}, "needs some text"),
            ({}, "needs some text"),
            ({"text": "x", "comment_type": "rant"}, "not a comment type"),
            ({"text": "x", "changeset_status": "great"}, "not a review status"),
            ({"text": "x", "f_path": "app.py", "line": "line three"}, "n<number>"),
            ({"text": "x", "resolves_comment_id": "999999999"}, "no comment"),
        ):
            refused = post(client, repo, "create", **data)
            assert refused.status_code == 400 and sentence in text_of(refused.text), data
        cid = comment_id(post(client, repo, "create", text="to keep"))
        empty_edit = post(client, repo, f"{cid}/edit", text=" ")
        assert empty_edit.status_code == 400 and "needs some text" in empty_edit.text
        html = client.get(page_of(repo)).text
        assert count(html) == before + 1 and "to keep" in article(html, cid)
