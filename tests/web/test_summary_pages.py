"""The summary page and the refs pages over the wire: what they show of real git and hg
repositories, and that a private repository's pages answer 404 like a missing one."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import HG, commit_into, run
from tests.web.conftest import both_kinds, login, reader

README_MD = """# Project title

Read [the guide](https://example.com/guide), [the docs](docs/guide.md) and ![a logo](img/logo.png).

<script>window.readmeRan = true;</script>
<img src="x.png" onerror="window.readmeRan = true">
"""


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def ok(http: httpx.Client, path: str, **kw) -> str:
    response = http.get(path, **kw)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


@both_kinds
def test_summary_renders_the_readme_sanitised(live_server, admin_api, http, kind):
    name = create_repo(admin_api, kind, description="A <i>fine</i> repository")
    tip, = push_commits(live_server, name, kind, {"README.md": README_MD, "src/a.py": "a = 1\n"})
    html = ok(http, f"/{name}")
    # relative links lead into the repository at the README's commit
    assert f'href="/{name}/files/{tip}/docs/guide.md"' in html
    assert f'src="/{name}/raw/{tip}/img/logo.png"' in html
    assert "A &lt;i&gt;fine&lt;/i&gt; repository" in html
    assert "<h1>Project title</h1>" in html
    assert '<a href="https://example.com/guide"' in html
    assert "<script>window.readmeRan" not in html and "onerror" not in html
    assert f"/{name}/feed/rss" in hrefs(html) and f"/{name}/feed/atom" in hrefs(html)
    assert "/archive/" not in html  # downloads are off by default


@both_kinds
def test_plain_readme_is_text(live_server, admin_api, http, kind):
    name = create_repo(admin_api, kind)
    push_commits(live_server, name, kind, {"README": "<b>not bold</b>\n# not a heading\n"})
    html = ok(http, f"/{name}")
    assert '<pre class="plain">&lt;b&gt;not bold&lt;/b&gt;\n# not a heading\n</pre>' in html


def test_rst_readme_is_rendered(live_server, admin_api, http):
    name = create_repo(admin_api, "hg")
    push_commits(live_server, name, "hg", {"readme.rst": "Title\n=====\n\n*emphasis*\n\n.. raw:: html\n\n   <script>x()</script>\n"})
    html = ok(http, f"/{name}")
    assert "<h2>Title</h2>" in html and "<em>emphasis</em>" in html and "<script>x()" not in html


def test_clone_url_names_the_signed_in_user(live_server, admin_api, http):
    name = create_repo(admin_api, "git")
    push_commits(live_server, name, "git", {"a": "1\n"})
    host = live_server.url.split("://", 1)[1]
    assert f'value="{live_server.url}/{name}"' in ok(http, f"/{name}")
    user = make_user(admin_api)
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, user.username, user.password)
        assert f'value="http://{user.username}@{host}/{name}"' in ok(browser, f"/{name}")


@both_kinds
def test_downloads_and_counts(live_server, admin_api, http, kind):
    name = create_repo(admin_api, kind, enable_downloads=True)
    first, = push_commits(live_server, name, kind, {"a": "1\n"})
    commit_into(hosted_folder(live_server, name), kind, {"b": "2\n"}, branch="feature")
    folder = str(hosted_folder(live_server, name))
    if kind == "git":
        run(["git", "-C", folder, "tag", "v1", first])
    else:
        push_commits(live_server, name, kind, {".hgtags": f"{first} v1\n"})  # what `hg tag` commits
        run([HG, "-R", folder, "bookmark", "-r", first, "mark"])
    html = ok(http, f"/{name}")
    links = hrefs(html)
    archives = [h for h in links if "/archive/" in h]
    assert sorted(a.rsplit(".", 1)[-1] for a in archives) == ["gz", "zip"]
    for archive in archives:
        got = http.get(archive)
        assert got.status_code == 200 and len(got.content) > 20, archive
    assert re.search(r'class="count-branches" href="[^"]+">2 branches<', html)
    assert re.search(r'class="count-tags" href="[^"]+">1 tag<', html)
    if kind == "hg":
        assert re.search(r'class="count-bookmarks" href="[^"]+">1 bookmark<', html)
    else:
        assert "count-bookmarks" not in html
    for page in ("branches", "tags") + (("bookmarks",) if kind == "hg" else ()):
        assert f"/{name}/{page}" in links


@both_kinds
def test_branches_page(live_server, admin_api, http, kind):
    name = create_repo(admin_api, kind)
    main = "master" if kind == "git" else "default"
    push_commits(live_server, name, kind, {"a": "1\n"})
    feature, = commit_into(hosted_folder(live_server, name), kind, {"b": "<b>2</b>\n"},
                           branch="feat/x")
    html = ok(http, f"/{name}/branches")
    rows = re.findall(r'<tr class="ref-row( default)?">(.*?)</tr>', html, re.S)
    assert [(bool(default), re.search(r'<td class="name"><a [^>]+>([^<]+)</a>', row)[1])
            for default, row in rows] == sorted([(True, main), (False, "feat/x")], key=lambda r: r[1])
    feature_row = next(row for _d, row in rows if "feat/x" in row)
    assert f'href="/{name}/changeset/{feature}"' in feature_row
    assert f'href="/{name}/files/{feature}/"' in feature_row
    assert f'href="/{name}/compare/branch@{main}...branch@feat%2Fx"' in feature_row
    assert "commit 0" in feature_row and "<time " in feature_row
    assert "compare" not in next(row for d, row in rows if d)  # the default branch itself
    assert ok(http, f"/{name}/files/{feature}/")  # the browse link works


def test_bookmarks_are_hg_only(live_server, admin_api, http):
    git = create_repo(admin_api, "git")
    push_commits(live_server, git, "git", {"a": "1\n"})
    assert http.get(f"/{git}/bookmarks").status_code == 404
    hg = create_repo(admin_api, "hg")
    first, = push_commits(live_server, hg, "hg", {"a": "1\n"})
    run([HG, "-R", str(hosted_folder(live_server, hg)), "bookmark", "-r", first, "book-1"])
    html = ok(http, f"/{hg}/bookmarks")
    assert ">book-1</a>" in html and f"compare/branch@default...book@book-1" in html
    assert "no tags" in ok(http, f"/{hg}/tags")


@both_kinds
def test_a_private_repository_answers_404_on_every_page(live_server, admin_api, kind):
    name = create_repo(admin_api, kind, private=True)
    push_commits(live_server, name, kind, {"README.md": "# secret\n"})
    allowed = reader(admin_api, name)
    outsider = make_user(admin_api)
    pages = ["", "/summary", "/branches", "/tags", "/fork", "/forks"]
    if kind == "hg":
        pages.append("/bookmarks")
    missing = unique("missing-")
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        for page in pages:
            for auth in (None, (outsider.username, outsider.password)):
                gone = anonymous.get(f"/{missing}{page}", auth=auth)
                hidden = anonymous.get(f"/{name}{page}", auth=auth)
                assert hidden.status_code == 404, (page, auth)
                assert "secret" not in hidden.text and "does not exist" in hidden.text
                # the same page as for a repository that was never there, but for the name
                assert hidden.text.replace(name, missing) == gone.text, page
            assert anonymous.get(f"/{name}{page}",
                                 auth=(allowed.username, allowed.password)).status_code == 200
