"""The files, blame, history and nodelist views over HTTP on a live server (both databases):
status codes, read permission (a private repository answers 404 to anonymous and to a user
without read, on every one of these views), and what the HTML and JSON carry."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.factories import make_user
from tests.web.conftest import reader
from tests.web.file_tree import APP_V2, file_tree


@pytest.fixture(scope="module")
def git_tree(live_server, admin_api):
    return file_tree(live_server, admin_api, "git")


@pytest.fixture
def http(live_server):
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def ok(http: httpx.Client, path: str, **kw) -> str:
    response = http.get(path, **kw)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_directory_lists_each_entry_with_its_last_commit(http, git_tree):
    tree_id, rename_id = git_tree.ids
    html = ok(http, f"/{git_tree.name}/files/tip/")
    rows = dict(re.findall(r'<td class="name"><a href="[^"]*">([^<]+)</a>.*?'
                           r'<td class="wide"><a href="[^"]*/changeset/([0-9a-f]{40})"', html, re.S))
    assert rows == {"data/": tree_id, "deep/": tree_id, "docs/": tree_id, "img/": tree_id,
                    "src/": rename_id, "README.md": tree_id, "big.txt": tree_id}
    assert "commit 0" in html and 'id="file-finder"' in html
    deep = ok(http, f"/{git_tree.name}/files/tip/deep/a/b/c/")
    assert "leaf.txt" in deep and tree_id in deep


def test_nodelist_answers_every_file_path_as_json(http, git_tree):
    response = http.get(f"/{git_tree.name}/nodelist/tip/")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["commit_id"] == git_tree.ids[-1]
    names = [node["name"] for node in data["nodes"]]
    assert "deep/a/b/c/leaf.txt" in names and "src/main.py" in names
    assert "src/app.py" not in names and "deep" not in names


def test_a_file_has_numbered_anchored_highlighted_lines(http, git_tree):
    html = ok(http, f"/{git_tree.name}/files/tip/src/main.py")
    assert re.findall(r'<tr id="L(\d+)">', html) == [str(n) for n in range(1, 9)]
    assert '<a href="#L3">3</a>' in html
    assert "line 8 added after the rename" in text_of(html)
    links = re.findall(r'href="([^"]+)"', html)
    for wanted in (f"/{git_tree.name}/raw/tip/src/main.py", f"/{git_tree.name}/rawfile/tip/src/main.py",
                   f"/{git_tree.name}/annotate/tip/src/main.py",
                   f"/{git_tree.name}/history/tip/src/main.py"):
        assert wanted in links
    assert f"/{git_tree.name}/files/master/src/main.py" in links  # the ref switcher
    python = ok(http, f"/{git_tree.name}/files/tip/src/long.py")
    assert '<span class="kn">import</span>' in python  # Pygments' keyword class


def test_markdown_is_rendered_without_scripts_and_its_source_is_a_click_away(http, git_tree):
    html = ok(http, f"/{git_tree.name}/files/tip/README.md")
    article = html.split('<article class="rendered', 1)[1].split("</article>", 1)[0]
    assert "<h1>The title</h1>" in article and "<em>text</em>" in article
    assert "<script" not in article and "onerror" not in article
    assert 'href="?view=source"' in html
    source = ok(http, f"/{git_tree.name}/files/tip/README.md?view=source")
    assert "<article" not in source and 'id="L5"' in source
    assert "&lt;script&gt;" in source or "&lt;</span>" in source
    rst = ok(http, f"/{git_tree.name}/files/tip/docs/guide.rst")
    assert "<strong>bold</strong>" in rst
    usage = ok(http, f"/{git_tree.name}/files/tip/docs/usage.md")  # relative links into the tree
    assert f'href="/{git_tree.name}/files/tip/src/app.py"' in usage
    assert f'src="/{git_tree.name}/raw/tip/img/pixel.png"' in usage


def test_images_binaries_and_large_files(http, git_tree):
    image = ok(http, f"/{git_tree.name}/files/tip/img/pixel.png")
    assert f'<img src="/{git_tree.name}/raw/tip/img/pixel.png"' in image
    binary = ok(http, f"/{git_tree.name}/files/tip/data/blob.bin")
    assert f'class="download" href="/{git_tree.name}/rawfile/tip/data/blob.bin"' in binary
    assert "code-lines" not in binary
    download = http.get(f"/{git_tree.name}/rawfile/tip/data/blob.bin")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    big = ok(http, f"/{git_tree.name}/files/tip/big.txt")
    assert "Showing the first 10000 of 12000 lines" in big
    assert 'id="L10000"' in big and 'id="L10001"' not in big


def test_blame_and_history_follow_the_rename(http, git_tree):
    tree_id, rename_id = git_tree.ids
    for keyword in ("annotate", "blame"):
        html = ok(http, f"/{git_tree.name}/{keyword}/tip/src/main.py")
        owners = re.findall(r'<tr id="L\d+" class="first"><td class="commit">'
                            r'<a href="[^"]*/changeset/([0-9a-f]{40})"', html)
        # lines 1-7 come from the tree (before the rename), line 8 from the rename: two runs
        assert owners == [tree_id, rename_id]
        assert len(re.findall(r'<tr id="L\d+"', html)) == len(APP_V2.splitlines())
    history = ok(http, f"/{git_tree.name}/history/tip/src/main.py")
    revisions = re.findall(r'<tr class="revision">\s*<td><a href="[^"]*/changeset/([0-9a-f]{40})"', history)
    assert revisions == [rename_id, tree_id]
    assert f'/{git_tree.name}/files/{tree_id}/src/app.py' in history  # the file as it was named


@pytest.mark.parametrize("path", ["files/tip/nope.txt", "files/no-such-rev/", "annotate/tip/src",
                                  "history/tip/missing.py", "nodelist/no-such-rev/",
                                  "annotate/tip/nope.txt"])
def test_unknown_paths_and_revisions_are_404(http, git_tree, path):
    assert http.get(f"/{git_tree.name}/{path}").status_code == 404


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_a_private_repository_is_missing_on_every_files_view(live_server, admin_api, http, kind):
    tree = file_tree(live_server, admin_api, kind, private=True)
    allowed = reader(admin_api, tree.name)
    outsider = make_user(admin_api)
    views = ["files/tip/", "files/tip/src/long.py", "annotate/tip/src/long.py",
             "blame/tip/src/long.py", "history/tip/src/long.py", "nodelist/tip/"]
    for view in views:
        url = f"/{tree.name}/{view}"
        assert http.get(url).status_code == 404, url
        assert http.get(url, auth=(outsider.username, outsider.password)).status_code == 404, url
        assert http.get(url, auth=(allowed.username, allowed.password)).status_code == 200, url
    # hidden looks exactly like missing
    missing = http.get(f"/{tree.name}-nope/annotate/tip/src/long.py")
    hidden = http.get(f"/{tree.name}/annotate/tip/src/long.py")
    assert missing.status_code == hidden.status_code == 404
    assert missing.text.replace(f"{tree.name}-nope", "NAME") == hidden.text.replace(tree.name, "NAME")


def test_hg_files_blame_and_history(http, live_server, admin_api):
    tree = file_tree(live_server, admin_api, "hg")
    tree_id, change_id = tree.ids
    listing = ok(http, f"/{tree.name}/files/tip/src/")
    assert change_id in listing and tree_id in listing
    blame = ok(http, f"/{tree.name}/annotate/tip/src/app.py")
    assert re.findall(r'class="first"><td class="commit"><a href="[^"]*/changeset/([0-9a-f]{40})"',
                      blame) == [tree_id, change_id]
    history = ok(http, f"/{tree.name}/history/tip/src/app.py")
    assert re.findall(r'<tr class="revision">\s*<td><a href="[^"]*/changeset/([0-9a-f]{40})"',
                      history) == [change_id, tree_id]


def test_history_pages(http, git_tree):
    first = ok(http, f"/{git_tree.name}/history/tip/src/main.py?page=nonsense")
    assert len(re.findall(r'<tr class="revision">', first)) == 2 and 'rel="next"' not in first
    second = ok(http, f"/{git_tree.name}/history/tip/src/main.py?page=2")
    assert '<tr class="revision">' not in second and 'rel="prev" href="?page=1"' in second
