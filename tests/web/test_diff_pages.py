"""The changeset and compare pages through a live server: what they show of a real diff, and
that a private repository (or a private fork compared against) answers 404 like a missing one."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.diff_repos import make_diff_repo
from tests.web.conftest import both_kinds, reader


@pytest.fixture(scope="module")
def diff_repos(live_server, admin_api):
    return {kind: make_diff_repo(live_server, admin_api, kind) for kind in ("git", "hg")}


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def get(http: httpx.Client, path: str, status: int = 200) -> str:
    response = http.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:500])
    return response.text


@both_kinds
def test_changeset_shows_every_kind_of_change(http, diff_repos, kind):
    repo = diff_repos[kind]
    html = get(http, f"/{repo.name}/changeset/{repo.change}")
    text = text_of(html)
    assert "renamed old_notes.txt → new_notes.txt" in text
    assert "binary" in text and "Binary file modified" in text
    assert "mode 100644 → 100755" in text
    # the word that changed is marked on both sides; the <script> of a line is text
    assert "<del>" in html and "<ins>" in html
    assert "<script>alert(9)" not in html and "&lt;script&gt;" in html
    assert f'href="/{repo.name}/changeset/{repo.base}"' in html  # the parent link


@both_kinds
def test_ignoring_whitespace_drops_an_indentation_change(http, diff_repos, kind):
    repo = diff_repos[kind]
    plain = changed_lines(get(http, f"/{repo.name}/changeset/{repo.change}"))
    ignoring = changed_lines(get(http, f"/{repo.name}/changeset/{repo.change}?ignorews=1"))
    assert "        line_7 = 7" in plain and "line_3 = 333" in plain
    assert "        line_7 = 7" not in ignoring and "line_3 = 333" in ignoring


def changed_lines(html: str) -> list[str]:
    """The code of the unified view's added lines."""
    rows = re.findall(r'<tr class="added">.*?<td class="code">(.*?)</td></tr>', html)
    return [text_of(row) for row in rows]


def test_commit_comments_show_inline_and_in_the_list(live_server, admin_api, http, diff_repos):
    repo = diff_repos["git"]
    admin_api.result("comment_commit", repoid=repo.name, commit_id=repo.change,
                     message="inline **bold** <script>alert(1)</script>", f_path="app.py",
                     line="n3")
    admin_api.result("comment_commit", repoid=repo.name, commit_id=repo.change,
                     message="general remark")
    html = get(http, f"/{repo.name}/changeset/{repo.change}")
    inline = html.split('class="inline-comments"', 1)[1].split("</tr>", 1)[0]
    assert "<strong>bold</strong>" in inline and "<script>alert(1)" not in html
    listed = html.split('class="comments"', 1)[1]
    assert "general remark" in listed and "<strong>bold</strong>" in listed
    assert "on app.py, new line 3" in text_of(listed)
    # the inline comment sits right after new line 3
    row = html.split('id="file-1-n3"', 1)[1].split("</tr>", 2)
    assert 'class="inline-comments"' in row[1]


@both_kinds
def test_compare_lists_exactly_the_branch_commits(http, diff_repos, kind):
    repo = diff_repos[kind]
    html = get(http, f"/{repo.name}/compare/branch@{repo.main_branch}...branch@feature")
    listed = re.findall(r'/changeset/([0-9a-f]{40})"><code', html)
    assert listed == repo.feature
    assert "feature.txt" in text_of(html) and "main.txt" not in text_of(html)
    assert get(http, f"/{repo.name}/compare/rev@nosuchrev...branch@feature", 404)
    assert get(http, f"/{repo.name}/compare/nonsense", 404)


def test_compare_form_goes_to_the_compare_url(http, diff_repos):
    repo = diff_repos["git"]
    form = get(http, f"/{repo.name}/compare")
    assert 'value="branch@feature"' in form
    response = http.get(f"/{repo.name}/compare", params={"base": "branch@master",
                                                          "head": "branch@feature"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/{repo.name}/compare/branch%40master...branch%40feature" \
        or response.headers["location"] == f"/{repo.name}/compare/branch@master...branch@feature"


@both_kinds
def test_private_repository_pages_are_404_without_read(live_server, admin_api, http, kind):
    repo = make_diff_repo(live_server, admin_api, kind, private=True)
    allowed = reader(admin_api, repo.name)
    outsider = make_user(admin_api)
    paths = [f"/{repo.name}/changeset/{repo.change}", f"/{repo.name}/compare",
             f"/{repo.name}/compare/branch@{repo.main_branch}...branch@feature"]
    missing = get(http, f"/{unique('nothing-')}/changeset/{repo.change}", 404)
    for path in paths:
        assert get(http, path, 404) .replace(repo.name, "") .count("Not found") \
            == missing.count("Not found")
        assert http.get(path, auth=(outsider.username, outsider.password)).status_code == 404
        assert http.get(path, auth=(allowed.username, allowed.password)).status_code in (200, 303)


def test_compare_against_a_private_fork_is_404_without_read(live_server, admin_api, http):
    public = make_diff_repo(live_server, admin_api, "git")
    fork = make_diff_repo(live_server, admin_api, "git", private=True)
    allowed = reader(admin_api, fork.name)
    outsider = make_user(admin_api)
    path = f"/{public.name}/compare/branch@master...branch@feature?target_repo={fork.name}"
    assert http.get(path).status_code == 404
    assert http.get(path, auth=(outsider.username, outsider.password)).status_code == 404
    shown = http.get(path, auth=(allowed.username, allowed.password))
    assert shown.status_code == 200
    assert f'href="/{fork.name}/changeset/{fork.feature[0]}"' in shown.text
