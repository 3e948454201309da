"""The repository browser: home page, summary, files, changelog and changeset pages of real git and
hg repositories, their permissions, and git/hg clients on the same URLs."""

from __future__ import annotations

import re
import subprocess
import tempfile
from html import escape, unescape
from pathlib import Path

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder, push_commits
from tests.factories.commits import AUTHOR, HG, WorkingCopy, run
from tests.web.conftest import both_kinds, login, make_repo, raw_get, reader


@pytest.fixture(scope="module")
def repos(live_server, admin_api):
    """One rich public repository per kind, in nested groups, shared by the read-only tests."""
    group = unique("browse-")
    return {
        kind: make_repo(live_server, admin_api, kind, name=f"{group}/sub/{kind}-repo",
                        description=f"The <b>{kind}</b> repository")
        for kind in ("git", "hg")
    }


def page(http: httpx.Client, path: str, **kw) -> str:
    response = http.get(path, **kw)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-frame-options"] == "DENY"
    return response.text


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def text_of(html: str) -> str:
    """The page's text without tags (Pygments splits lines into spans)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


# -- home page -----------------------------------------------------------------------------------
def test_index_lists_what_the_viewer_may_read(live_server, admin_api):
    public = unique("home-public-")
    private = unique("home-private-")
    admin_api.result("create_repo", repo_name=public, repo_type="git",
                     description="public <i>one</i>")
    admin_api.result("create_repo", repo_name=private, repo_type="hg", private=True)
    allowed = reader(admin_api, private)
    outsider = make_user(admin_api)
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        anonymous = page(http, "/")
        assert f'href="/{public}"' in anonymous
        assert "public &lt;i&gt;one&lt;/i&gt;" in anonymous and "<i>one</i>" not in anonymous
        assert private not in anonymous
        assert private not in page(http, "/", auth=(outsider.username, outsider.password))
        for user, password in ((allowed.username, allowed.password),
                               (live_server.admin_username, live_server.admin_password)):
            shown = page(http, "/", auth=(user, password))
            assert f'href="/{private}"' in shown and f'href="/{public}"' in shown
        assert http.get("/", auth=(outsider.username, "wrong")).status_code == 401
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert login(browser, allowed.username, allowed.password).status_code == 302
        signed_in = page(browser, "/")
        assert f'href="/{private}"' in signed_in and allowed.username in signed_in


def test_pages_that_depend_on_the_viewer_are_never_stored(live_server, admin_api):
    """What a page shows depends on who asks: no proxy or browser cache may keep it."""
    private = unique("nostore-")
    admin_api.result("create_repo", repo_name=private, repo_type="git", private=True)
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        auth = (live_server.admin_username, live_server.admin_password)
        for url in ("/", f"/{private}"):
            response = http.get(url, auth=auth)
            assert response.status_code == 200
            assert response.headers["cache-control"] == "no-store"


# -- summary -------------------------------------------------------------------------------------
@both_kinds
def test_summary(live_server, repos, http, kind):
    repo = repos[kind]
    html = page(http, f"/{repo.name}")
    assert f"The &lt;b&gt;{kind}&lt;/b&gt; repository" in html
    assert f'value="{live_server.url}/{repo.name}"' in html  # the clone URL
    hrefs = links(html)
    files_url = f"/{repo.name}/files/{repo.tip}"
    for entry in ("README.txt", "docs/", "src/", "bin/", "link-to-leaf", "unicod%C3%A9.txt"):
        assert f"{files_url}/{entry}" in hrefs, entry
    assert f"{files_url}/docs/guide/" not in hrefs  # the root only
    # directories first
    assert hrefs.index(f"{files_url}/src/") < hrefs.index(f"{files_url}/README.txt")
    for commit in repo.commits:
        assert f"/{repo.name}/changeset/{commit}" in hrefs
    assert "second change" in html and "initial tree" in html and "with details" not in html
    assert html.index("second change") < html.index("initial tree")
    # a trailing slash and Kallithea's /summary URL show the same page
    assert "second change" in page(http, f"/{repo.name}/")
    assert "second change" in page(http, f"/{repo.name}/summary")


@both_kinds
def test_summary_lists_the_landing_revision(live_server, admin_api, http, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False)
    at_tip = links(page(http, f"/{repo.name}"))
    assert f"/{repo.name}/files/{repo.tip}/src/" in at_tip
    admin_api.result("update_repo", repoid=repo.name, landing_rev=f"rev:{repo.commits[0]}")
    at_first = links(page(http, f"/{repo.name}"))
    assert f"/{repo.name}/files/{repo.commits[0]}/README.txt" in at_first
    assert not any("/src/" in href for href in at_first)
    # the latest commits are still the repository's newest
    assert f"/{repo.name}/changeset/{repo.tip}" in at_first
    # a landing branch that is gone: the tip
    admin_api.result("update_repo", repoid=repo.name, landing_rev="branch:no-such-branch")
    assert f"/{repo.name}/files/{repo.tip}/src/" in links(page(http, f"/{repo.name}"))


@both_kinds
def test_summary_of_an_empty_repository(live_server, admin_api, http, kind):
    name = unique(f"browse-empty-{kind}-")
    admin_api.result("create_repo", repo_name=name, repo_type=kind)
    assert "empty repository" in page(http, f"/{name}")
    assert "No commits" in page(http, f"/{name}/changelog")
    # the Files tab of an empty repository is an empty listing, not a missing page
    assert "nothing has been pushed yet" in page(http, f"/{name}/files/tip/")
    assert http.get(f"/{name}/files/tip/README").status_code == 404


# -- files ---------------------------------------------------------------------------------------
@both_kinds
def test_directory_listing(repos, http, kind):
    repo = repos[kind]
    root = links(page(http, f"/{repo.name}/files/tip/"))
    assert f"/{repo.name}/files/tip/data/" in root and f"/{repo.name}/files/tip/README.txt" in root
    docs = page(http, f"/{repo.name}/files/tip/docs")
    hrefs = links(docs)
    assert f"/{repo.name}/files/tip/docs/guide/" in hrefs
    assert f"/{repo.name}/files/tip/docs/index.html" in hrefs
    assert f"/{repo.name}/files/tip/README.txt" not in hrefs
    deep = page(http, f"/{repo.name}/files/{repo.tip[:12]}/docs/guide/deep/")
    assert f"/{repo.name}/files/{repo.tip[:12]}/docs/guide/deep/leaf.txt" in links(deep)
    assert f"/{repo.name}/files/{repo.tip[:12]}/docs/guide/" in links(deep)  # breadcrumbs
    # src/new.py only exists from the second commit on
    assert "new.py" in page(http, f"/{repo.name}/files/{repo.tip}/src")
    assert "new.py" not in page(http, f"/{repo.name}/files/{repo.commits[0]}/src")


@both_kinds
def test_file_is_highlighted_and_escaped(repos, http, kind):
    repo = repos[kind]
    python = page(http, f"/{repo.name}/files/tip/src/app.py")
    assert 'class="code-lines highlight"' in python and '<span class="nb">print</span>' in python
    assert f"/{repo.name}/raw/tip/src/app.py" in links(python)
    markup = page(http, f"/{repo.name}/files/tip/docs/index.html")
    assert "<script>alert(1)</script>" not in markup and "&lt;" in markup
    assert "<script>alert(1)</script>" in text_of(markup)
    assert "line 3" in text_of(page(http, f"/{repo.name}/files/tip/README.txt"))
    old = text_of(page(http, f"/{repo.name}/files/{repo.commits[0]}/README.txt"))
    assert "line 2" in old and "line 3" not in old
    assert "ünïcode" in text_of(page(http, f"/{repo.name}/files/tip/unicodé.txt"))


@both_kinds
def test_binary_file_and_symlink(repos, http, kind):
    repo = repos[kind]
    binary = page(http, f"/{repo.name}/files/tip/data/blob.bin")
    assert "Binary file" in binary and 'class="highlight"' not in binary
    assert f"/{repo.name}/raw/tip/data/blob.bin" in links(binary)
    image = page(http, f"/{repo.name}/files/tip/img/pixel.png")
    assert f'<img src="/{repo.name}/raw/tip/img/pixel.png"' in image  # shown, from the raw view
    link = page(http, f"/{repo.name}/files/tip/link-to-leaf")
    assert "Symbolic link" in link and "docs/guide/deep/leaf.txt" in text_of(link)


# -- changelog -----------------------------------------------------------------------------------
@both_kinds
def test_changelog(repos, http, kind):
    repo = repos[kind]
    html = page(http, f"/{repo.name}/changelog")
    hrefs = [h for h in links(html) if "/changeset/" in h]
    assert hrefs == [f"/{repo.name}/changeset/{c}" for c in reversed(repo.commits)]
    text = text_of(html)
    assert "second change" in text and "initial tree" in text and "adds line 3" not in text
    # the author's name to read, the whole author on hover; the time relative, exact on hover
    assert "Test Author" in text and f'title="{escape(AUTHOR)}"' in html and repo.tip[:12] in text
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d UTC">', html)
    from_first = page(http, f"/{repo.name}/changelog", params={"rev": repo.commits[0]})
    assert "initial tree" in from_first and "second change" not in from_first
    assert "Older" not in html and "Newer" not in html


def linear_history(live_server, name: str, kind: str, count: int) -> list[str]:
    """``count`` commits in a row in a new hosted repository; their ids, oldest first.

    Mercurial's ``debugbuilddag`` writes them in one process (one ``hg commit`` each takes ages).
    """
    if kind == "git":
        return push_commits(live_server, name, kind, *({"n.txt": f"{i}\n"} for i in range(count)))
    folder = str(hosted_folder(live_server, name))
    run([HG, "-R", folder, "debugbuilddag", "--new-file", f"+{count}"])
    return run([HG, "-R", folder, "log", "-r", "all()", "--template", "{node}\n"]).split()


@both_kinds
def test_changelog_pages_and_branches(live_server, admin_api, http, kind):
    name = unique(f"browse-log-{kind}-")
    admin_api.result("create_repo", repo_name=name, repo_type=kind)
    ids = linear_history(live_server, name, kind, 53)
    first = page(http, f"/{name}/changelog")
    shown = re.findall(rf'href="/{re.escape(name)}/changeset/([0-9a-f]{{40}})"', first)
    assert shown == list(reversed(ids))[:50]
    assert f'href="/{name}/changelog?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = page(http, f"/{name}/changelog?page=2")
    assert re.findall(r"/changeset/([0-9a-f]{40})", second) == list(reversed(ids[:3]))
    assert f'href="/{name}/changelog" rel="prev"' in second and 'rel="next"' not in second
    assert "No commits on this page" in page(http, f"/{name}/changelog?page=9")
    assert ids[-1] in page(http, f"/{name}/changelog?page=nonsense")
    # from a revision: that commit and its ancestors
    from_ten = page(http, f"/{name}/changelog", params={"rev": ids[9]})
    assert re.findall(r"/changeset/([0-9a-f]{40})", from_ten)[1:] == list(reversed(ids[:10]))

    # a branch: its changelog has its own commit and the shared history, not the other branch's
    with tempfile.TemporaryDirectory() as tmp:
        work = WorkingCopy.clone(hosted_folder(live_server, name), Path(tmp) / "w", kind)
        feature = work.commit({"f.txt": "feature\n"}, message="on feature", branch="feature")
        if kind == "git":
            work.git("push", "--quiet", "origin", "HEAD:refs/heads/feature")
            work.git("checkout", "--quiet", "master")
        else:
            work.hg("update", "--quiet", "default")
        main = work.commit({"m.txt": "main\n"}, message="on main")
        work.push("master" if kind == "git" else None)
    branch_log = page(http, f"/{name}/changelog", params={"rev": feature})
    listed = re.findall(r"/changeset/([0-9a-f]{40})", branch_log)
    assert listed[0] == feature and ids[-1] in listed and main not in listed
    everything = re.findall(r"/changeset/([0-9a-f]{40})", page(http, f"/{name}/changelog"))
    assert {feature, main} <= set(everything)


# -- changeset -----------------------------------------------------------------------------------
@both_kinds
def test_changeset(repos, http, kind):
    repo = repos[kind]
    html = page(http, f"/{repo.name}/changeset/{repo.tip}")
    text = text_of(html)
    assert "second change" in text and "adds line 3" in text and AUTHOR in text
    hrefs = links(html)
    assert f"/{repo.name}/changeset/{repo.commits[0]}" in hrefs  # the parent
    for view in ("changeset-diff", "changeset-patch"):
        assert f"/{repo.name}/{view}/{repo.tip}" in hrefs
    # drawn by the diff renderer: added lines with their new numbers
    assert added_lines(html) == [("3", "line 3"), ("1", "x = 1")]
    assert "README.txt" in text and "src/new.py" in text and "added" in text and "modified" in text
    assert f"/{repo.name}/files/{repo.tip}/src/new.py" in hrefs
    # a short id names the same commit
    assert added_lines(page(http, f"/{repo.name}/changeset/{repo.tip[:12]}"))[0] == ("3", "line 3")


def added_lines(html: str) -> list[tuple[str, str]]:
    """(new number, text) of the changeset page's added lines (unified view)."""
    rows = re.findall(r'<tr class="added"><td class="num old"></td><td class="num new"[^>]*>(\d+)</td>'
                      r'<td class="code">(.*?)</td></tr>', html)
    return [(number, text_of(code)) for number, code in rows]


@both_kinds
def test_root_changeset_escapes_content(repos, http, kind):
    repo = repos[kind]
    html = page(http, f"/{repo.name}/changeset/{repo.commits[0]}")
    assert "root commit" in html and "with details" in html
    assert "<script>alert(1)</script>" not in html
    assert "<script>alert(1)</script>" in [text for _n, text in added_lines(html)]
    assert "docs/guide/deep/leaf.txt" in html and "bin/run.sh" in html


# -- what is not there ---------------------------------------------------------------------------
@both_kinds
def test_unknown_things_are_404(live_server, repos, http, kind):
    repo = repos[kind]
    for path in (
        f"/{unique('no-such-repo-')}",
        f"/{unique('no-such-group-')}/repo/changelog",
        f"/{repo.name}/files/{'e' * 40}/README.txt",
        f"/{repo.name}/files/no-such-branch/",
        f"/{repo.name}/files/tip/no-such-file",
        f"/{repo.name}/files/tip/src/new.py/x",
        f"/{repo.name}/files/{repo.commits[0]}/src/new.py",
        f"/{repo.name}/files/--output=x/README.txt",
        f"/{repo.name}/changeset/{'f' * 40}",
        f"/{repo.name}/changeset/--output=x",
        f"/{repo.name}/changeset/tip^^^^^^^^",
        f"/{repo.name}/changelog?rev=no-such-rev",
    ):
        response = http.get(path)
        assert response.status_code == 404, path
    for attempt in (
        f"/{repo.name}/files/tip/../../../../etc/passwd",
        f"/{repo.name}/files/tip/%2e%2e/%2e%2e/etc/passwd",
        f"/{repo.name}/files/tip/..%2f..%2fetc%2fpasswd",
        f"/{repo.name}/files/tip//etc/passwd",
        f"/{repo.name}/files/tip/.git/config",
        f"/{repo.name}/files/tip/.hg/hgrc",
    ):
        status, body = raw_get(live_server.url, attempt)
        assert status in (400, 404), (attempt, status)
        assert b"root:" not in body


def test_only_get_and_head(repos, http):
    repo = repos["git"]
    assert http.post(f"/{repo.name}/changelog").status_code == 405
    assert http.post(f"/{repo.name}").status_code == 404  # not a page: nothing answers it
    head = http.head(f"/{repo.name}")
    assert head.status_code == 200 and head.content == b""


# -- the same URL for git and hg clients --------------------------------------------------------
def test_clients_clone_the_summary_url(live_server, repos, http, tmp_path):
    for kind, repo in repos.items():
        url = f"{live_server.url}/{repo.name}"
        assert "second change" in page(http, f"/{repo.name}")
        target = tmp_path / kind
        command = ["git", "clone", "--quiet"] if kind == "git" else ["hg", "clone", "--quiet"]
        subprocess.run([*command, url, str(target)], check=True, capture_output=True, timeout=120)
        assert (target / "README.txt").read_bytes() == b"Readme\nline 2\nline 3\n"
